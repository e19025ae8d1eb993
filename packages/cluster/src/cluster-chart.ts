import { Chart } from "cdk8s";
import { k8s } from "cdk8s-plus-28";
import type { Construct } from "constructs";
import { GitRepositorySource } from "@flotilla/flux";
import type { ClusterSpec } from "@flotilla/fleet";
import { Layer } from "./layer.js";

/** Name of the GitRepository every layer of a cluster is read from. */
export const fleetSourceName = "flotilla";

/**
 * Everything one cluster runs, as Flux reconciles it from `clusters/<name>/`: the cluster's Git
 * source and a chain of layers, infrastructure first, then platforms.
 */
export class ClusterChart extends Chart {
  readonly spec: ClusterSpec;
  readonly source: GitRepositorySource;
  /** Namespaces, node pools and controllers: what platforms need before they start. */
  readonly infrastructure: Layer;
  /** The ML platforms, applied once the infrastructure is ready. */
  readonly platforms: Layer;

  constructor(scope: Construct, spec: ClusterSpec) {
    super(scope, spec.name, {
      disableResourceNameHashes: true,
      labels: { "app.kubernetes.io/managed-by": "flotilla" },
    });
    this.spec = spec;
    this.source = new GitRepositorySource(this, {
      name: fleetSourceName,
      url: spec.git.url,
      ref: { branch: spec.git.branch },
      interval: spec.flux.sourceInterval,
      ...(spec.git.secretRef ? { secretRef: spec.git.secretRef } : {}),
    });
    this.infrastructure = new Layer(this, { name: "infrastructure", spec, source: this.source });
    this.platforms = new Layer(this, {
      name: "platforms",
      spec,
      source: this.source,
      dependsOn: [this.infrastructure],
    });
    for (const namespace of spec.namespaces) {
      new k8s.KubeNamespace(this.infrastructure, `namespace-${namespace.name}`, {
        metadata: { name: namespace.name, labels: namespace.labels },
      });
    }
  }

  /** The layers in the order Flux applies them. */
  get layers(): Layer[] {
    return [this.infrastructure, this.platforms];
  }
}
