import type { PlatformSpecBase } from "./platform/platform.js";
import type { ClusterSpec } from "./types.js";

/**
 * The namespaces synth renders for a cluster: its declared `namespaces`, in the order written,
 * then the enabled platforms' namespaces (each validated platform section has its `namespace`).
 * ServiceAccounts (and so workload identity credentials) can only live in these.
 */
export function renderedNamespaces(spec: Pick<ClusterSpec, "namespaces"> & Partial<Pick<ClusterSpec, "platforms">>): string[] {
  const platforms = Object.values((spec.platforms ?? {}) as Readonly<Record<string, PlatformSpecBase | undefined>>);
  return [...spec.namespaces.map((namespace) => namespace.name), ...platforms.flatMap((platform) => (platform === undefined ? [] : [platform.namespace]))];
}
