import type { ClusterSpec } from "./types.js";

/**
 * The namespaces synth renders for a cluster: its declared `namespaces`, in the order written.
 * ServiceAccounts (and so workload identity credentials) can only live in these. Platforms will
 * add their own namespaces here.
 */
export function renderedNamespaces(spec: Pick<ClusterSpec, "namespaces">): string[] {
  return spec.namespaces.map((namespace) => namespace.name);
}
