import { ApiObject } from "cdk8s";
import * as k8s from "cdk8s-plus-28/lib/imports/k8s.js";
import type { Construct } from "constructs";
import type { ClusterSpec } from "@flotilla/fleet";
import { podSchedulingFor, PresetNodePool, SelfHostedKarpenter } from "@flotilla/karpenter";
import { renderedFrom } from "./origin.js";

/** The ConfigMap a namespace pinned to a node pool gets (see {@link renderPinnedNamespaces}). */
export const NODE_POOL_SCHEDULING_CONFIGMAP = "node-pool-scheduling";

/**
 * The cluster's node pools (a NodePool and an AKSNodeClass each) in `layer`: the infrastructure
 * layer, applied before the platforms that schedule onto them.
 */
export function renderNodePools(layer: Construct, spec: ClusterSpec): PresetNodePool[] {
  return spec.nodePools.map((pool, i) => renderedFrom(new PresetNodePool(layer, pool), `nodePools[${i}]`));
}

/**
 * The self-hosted Karpenter controller (chart source and HelmRelease) in `layer`, which must be
 * applied and ready before the layer holding the NodePools: the chart installs their CRDs.
 * `undefined` unless `karpenter.mode` is `self-hosted` (AKS runs node auto-provisioning's).
 */
export function renderSelfHostedKarpenter(layer: Construct, spec: ClusterSpec): SelfHostedKarpenter | undefined {
  const karpenter = spec.karpenter;
  if (karpenter?.mode !== "self-hosted") return undefined;
  return renderedFrom(
    new SelfHostedKarpenter(layer, {
      ...karpenter,
      subscriptionId: spec.azure.subscriptionId,
      location: spec.azure.location,
      defaultClusterName: spec.name,
    }),
    "karpenter",
  );
}

/**
 * For every namespace pinned to a node pool (`namespaces[].nodePool`), a ConfigMap
 * `node-pool-scheduling` whose `values.yaml` holds the pool's `nodeSelector` and `tolerations`
 * (from `podSchedulingFor`, never typed by hand). A HelmRelease of the workspace uses it with
 * `valuesFrom: [{ kind: ConfigMap, name: node-pool-scheduling }]`, so the chart's pods run on the
 * pool and tolerate its taints. (AKS enables no admission plugin that would force this on every
 * pod of a namespace; the pool's taint keeps other workloads off it.)
 */
export function renderPinnedNamespaces(layer: Construct, spec: ClusterSpec): ApiObject[] {
  const pools = new Map(spec.nodePools.map((pool) => [pool.name, pool]));
  return spec.namespaces.flatMap((namespace, i) => {
    if (namespace.nodePool === undefined) return [];
    const pool = pools.get(namespace.nodePool);
    if (pool === undefined) throw new Error(`namespace ${namespace.name} is pinned to node pool ${namespace.nodePool}, which the cluster does not declare`);
    const { nodeSelector, tolerations } = podSchedulingFor(pool);
    return [
      renderedFrom(new k8s.KubeConfigMap(layer, `node-pool-scheduling.${namespace.name}`, {
        metadata: {
          name: NODE_POOL_SCHEDULING_CONFIGMAP,
          namespace: namespace.name,
          annotations: { "flotilla.dev/node-pool": pool.name },
        },
        // JSON is YAML: Helm and Flux read it as values.
        data: { "values.yaml": `${JSON.stringify({ nodeSelector, tolerations }, null, 2)}\n` },
      }), `namespaces[${i}].nodePool`),
    ];
  });
}
