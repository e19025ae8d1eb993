import { platformNamespacesOf } from "./platforms-schema.js";
import type { ClusterSpec } from "./types.js";

/**
 * The namespaces synth renders for a cluster: its declared `namespaces`, in the order written,
 * then the platforms' namespaces (`platforms.flyte.namespace`, …). ServiceAccounts (and so
 * workload identity credentials) can only live in these.
 */
export function renderedNamespaces(spec: Pick<ClusterSpec, "namespaces"> & Partial<Pick<ClusterSpec, "platforms">>): string[] {
  return [...spec.namespaces.map((namespace) => namespace.name), ...platformNamespacesOf(spec.platforms)];
}
