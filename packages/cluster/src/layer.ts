import { Construct } from "constructs";
import { FluxKustomization, type GitRepositorySource, type KustomizationDecryption } from "@flotilla/flux";
import type { ClusterSpec } from "@flotilla/fleet";

export interface LayerProps {
  /** Directory of the layer inside the cluster's tree; also the Flux Kustomization's name. */
  readonly name: string;
  /** The cluster the layer belongs to: its Git path and Flux intervals. */
  readonly spec: ClusterSpec;
  /** The Git source the Flux Kustomization reads the layer from. */
  readonly source: GitRepositorySource;
  /**
   * Layers that must be ready before this one is applied.
   * @default []
   */
  readonly dependsOn?: Layer[];
  /**
   * SOPS decryption of the layer's files before Flux applies them.
   * @default - no decryption
   */
  readonly decryption?: KustomizationDecryption;
  /**
   * Wait for every applied object to be ready. Set to false to health-check only `healthChecks`
   * (Flux ignores health checks when `wait` is true).
   * @default true
   */
  readonly wait?: boolean;
  /**
   * The Kustomization's timeout (applies, health checks).
   * @default - the cluster's `flux.timeout`
   */
  readonly timeout?: string;
}

/**
 * One directory of a cluster's tree and the Flux Kustomization that applies it. Objects created in
 * a layer's scope are written to its directory, so each is applied by exactly one Kustomization.
 */
export class Layer extends Construct {
  /** Directory relative to the cluster root. */
  readonly dir: string;
  /** The Flux Kustomization (rendered at the cluster root) that applies this directory. */
  readonly kustomization: FluxKustomization;

  constructor(scope: Construct, props: LayerProps) {
    super(scope, `layer-${props.name}`);
    this.dir = props.name;
    const { flux, git } = props.spec;
    this.kustomization = new FluxKustomization(scope, {
      name: props.name,
      path: `./${git.path}/${props.name}`,
      sourceRef: props.source,
      interval: flux.reconcileInterval,
      retryInterval: flux.retryInterval,
      timeout: props.timeout ?? flux.timeout,
      prune: true,
      wait: props.wait ?? true,
      dependsOn: (props.dependsOn ?? []).map((layer) => layer.kustomization),
      ...(props.decryption === undefined ? {} : { decryption: props.decryption }),
    });
  }

  static of(construct: Construct): Layer | undefined {
    return construct.node.scopes.findLast((scope): scope is Layer => scope instanceof Layer);
  }
}
