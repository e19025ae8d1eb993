import { Chart } from "cdk8s";
import { k8s } from "cdk8s-plus-28";
import type { Construct } from "constructs";
import { GitRepositorySource } from "@flotilla/flux";
import type { ClusterSpec } from "@flotilla/fleet";
import {
  type ClusterIdentityPlan,
  type IdentityOutputs,
  plannedServiceAccounts,
  WorkloadServiceAccount,
} from "@flotilla/workload-identity";
import { Layer } from "./layer.js";

/** Name of the GitRepository every layer of a cluster is read from. */
export const fleetSourceName = "flotilla";

/** Props of {@link ClusterChart}. */
export interface ClusterChartProps {
  /**
   * The cluster's identity plan (from `planClusterIdentities(spec)`, without problems) and its
   * identity outputs (checked with `identityOutputsFor`). The chart renders one
   * `WorkloadServiceAccount` per ServiceAccount credential of the plan. Required when the spec
   * has identities.
   *
   * @default - no identities
   */
  readonly identities?: { readonly plan: ClusterIdentityPlan; readonly outputs: IdentityOutputs };
}

/**
 * Everything one cluster runs, as Flux reconciles it from `clusters/<name>/`: the cluster's Git
 * source and a chain of layers, infrastructure first, then platforms.
 */
export class ClusterChart extends Chart {
  readonly spec: ClusterSpec;
  readonly source: GitRepositorySource;
  /** Namespaces, workload identity ServiceAccounts, node pools and controllers: what platforms need before they start. */
  readonly infrastructure: Layer;
  /** The ML platforms, applied once the infrastructure is ready. */
  readonly platforms: Layer;
  /** The ServiceAccounts bound to the cluster's managed identities, sorted by namespace and name. */
  readonly serviceAccounts: WorkloadServiceAccount[];

  constructor(scope: Construct, spec: ClusterSpec, props: ClusterChartProps = {}) {
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
    this.serviceAccounts = this.renderServiceAccounts(props.identities);
  }

  /** The layers in the order Flux applies them. */
  get layers(): Layer[] {
    return [this.infrastructure, this.platforms];
  }

  /**
   * One ServiceAccount per ServiceAccount credential of the plan, in the infrastructure layer
   * with the namespaces (Flux applies namespaces first and waits for the layer to be ready before
   * platforms start, so workloads never run before their ServiceAccount exists).
   */
  private renderServiceAccounts(identities: ClusterChartProps["identities"]): WorkloadServiceAccount[] {
    if (identities === undefined) {
      if (this.spec.identities.length > 0) {
        throw new Error(`ClusterChart ${this.spec.name}: the cluster declares identities, so its identity plan and outputs are required`);
      }
      return [];
    }
    if (identities.plan.cluster !== this.spec.name) {
      throw new Error(`ClusterChart ${this.spec.name}: got the identity plan of cluster ${identities.plan.cluster}`);
    }
    return plannedServiceAccounts(identities.plan, identities.outputs).map(
      (account) =>
        new WorkloadServiceAccount(this.infrastructure, {
          name: account.name,
          namespace: account.namespace,
          clientId: account.clientId,
          tenantId: account.tenantId,
        }),
    );
  }
}
