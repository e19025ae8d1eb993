/**
 * What a pod needs to run on a node pool: a node selector (or the equivalent node affinity) on the
 * pool's `karpenter.sh/nodepool` label, and a toleration for every taint of the pool. Platforms put
 * these into their pod templates or Helm values (Flyte task pods, Argo workflow pods, a workspace's
 * workloads) so they come from the spec, never typed by hand.
 */
import type { NodePoolOptions, ResolvedNodePool, ResolvedTaint } from "./options.js";
import { NODE_POOL_LABEL } from "./requirement-keys.js";
import { isResolvedNodePool, resolveNodePool } from "./resolve.js";

/** A toleration as a pod spec writes it. */
export interface PodToleration {
  key: string;
  operator: "Equal" | "Exists";
  value?: string;
  effect: ResolvedTaint["effect"];
}

/** The scheduling constraints of a pool, in the shapes pod specs and Helm charts take. */
export interface PodScheduling {
  /** `{ "karpenter.sh/nodepool": <name> }`: pods land on (and make Karpenter create) this pool's nodes only. */
  nodeSelector: Record<string, string>;
  /** One toleration per taint of the pool (none for untainted pools). */
  tolerations: PodToleration[];
  /** The node selector as a required node affinity, for charts that take `affinity` rather than `nodeSelector`. */
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: { matchExpressions: { key: string; operator: "In"; values: string[] }[] }[];
      };
    };
  };
}

/**
 * The pod scheduling constraints of a node pool: a resolved pool (`ClusterSpec.nodePools[i]`) or
 * pool options (resolved here with the preset defaults). GPU pods must still request
 * `nvidia.com/gpu` in their resources: the toleration only lets them onto the nodes.
 */
export function podSchedulingFor(pool: ResolvedNodePool | NodePoolOptions): PodScheduling {
  const resolved = isResolvedNodePool(pool) ? pool : resolveNodePool(pool);
  return {
    nodeSelector: { [NODE_POOL_LABEL]: resolved.name },
    tolerations: resolved.taints.map((taint): PodToleration =>
      taint.value === undefined
        ? { key: taint.key, operator: "Exists", effect: taint.effect }
        : { key: taint.key, operator: "Equal", value: taint.value, effect: taint.effect },
    ),
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: NODE_POOL_LABEL, operator: "In", values: [resolved.name] }] }],
        },
      },
    },
  };
}
