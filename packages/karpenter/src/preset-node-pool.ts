import { Construct } from "constructs";
import { AksNodeClass } from "./aks-node-class.js";
import { KarpenterNodePool } from "./karpenter-node-pool.js";
import { nodePoolProblems, throwProblems } from "./model/node-pool-checks.js";
import type { NodePoolOptions, ResolvedNodePool } from "./model/options.js";
import { type PodScheduling, podSchedulingFor } from "./model/pod-scheduling.js";
import { isResolvedNodePool, resolveNodePool } from "./model/resolve.js";

/**
 * A node pool built from a preset: an {@link AksNodeClass} and a {@link KarpenterNodePool}, both
 * named after the pool, with the preset's requirements, taints, limits, disruption and expiry
 * (see `PRESETS`) merged with the options. The options are checked first (`nodePoolProblems`: the
 * same checks the ClusterSpec reports at load time), so a mistake throws one error listing every
 * problem with its path.
 *
 * Takes pool options, or a pool already resolved (`ClusterSpec.nodePools[i]`).
 */
export class PresetNodePool extends Construct {
  /** The pool with every default filled: what is rendered. */
  public readonly pool: ResolvedNodePool;
  /** The AKSNodeClass. */
  public readonly nodeClass: AksNodeClass;
  /** The NodePool. */
  public readonly nodePool: KarpenterNodePool;

  public constructor(scope: Construct, options: NodePoolOptions | ResolvedNodePool, id?: string) {
    let pool: ResolvedNodePool;
    if (isResolvedNodePool(options)) {
      pool = options;
    } else {
      throwProblems(`${options.preset ?? "preset"} node pool ${JSON.stringify(options.name)}`, nodePoolProblems(options));
      pool = resolveNodePool(options);
    }
    super(scope, id ?? `node-pool.${pool.name}`);
    this.pool = pool;
    this.nodeClass = new AksNodeClass(this, { name: pool.name, ...pool.nodeClass });
    this.nodePool = new KarpenterNodePool(this, {
      name: pool.name,
      nodeClass: this.nodeClass,
      requirements: pool.requirements,
      taints: pool.taints,
      labels: pool.labels,
      limits: pool.limits,
      consolidationPolicy: pool.disruption.consolidationPolicy,
      consolidateAfter: pool.disruption.consolidateAfter,
      budgets: pool.disruption.budgets,
      expireAfter: pool.expireAfter,
      ...(pool.weight === undefined ? {} : { weight: pool.weight }),
    });
  }

  /** What pods need to run on this pool: node selector (or affinity) and tolerations. */
  public get scheduling(): PodScheduling {
    return podSchedulingFor(this.pool);
  }
}

/** Options of a pool with a fixed preset. */
export type PresetPoolOptions = Omit<NodePoolOptions, "preset">;

/** General-purpose amd64 on-demand nodes (D family). */
export class GeneralNodePool extends PresetNodePool {
  public constructor(scope: Construct, options: PresetPoolOptions, id?: string) {
    super(scope, { ...options, preset: "general" }, id);
  }
}

/** ARM64 (Ampere Altra, Cobalt) on-demand nodes: p-series such as Dps_v5, Eps_v5. */
export class Arm64NodePool extends PresetNodePool {
  public constructor(scope: Construct, options: PresetPoolOptions, id?: string) {
    super(scope, { ...options, preset: "arm64" }, id);
  }
}

/** NVIDIA GPU on-demand nodes (N family), tainted `nvidia.com/gpu:NoSchedule`, with GPU limits. */
export class GpuNodePool extends PresetNodePool {
  public constructor(scope: Construct, options: PresetPoolOptions, id?: string) {
    super(scope, { ...options, preset: "gpu" }, id);
  }
}

/** Spot nodes, a pool of their own, tainted `kubernetes.azure.com/scalesetpriority=spot:NoSchedule`. */
export class SpotNodePool extends PresetNodePool {
  public constructor(scope: Construct, options: PresetPoolOptions, id?: string) {
    super(scope, { ...options, preset: "spot" }, id);
  }
}
