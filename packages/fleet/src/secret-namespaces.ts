import { FLUX_NAMESPACE } from "./flux-azure-schema.js";
import { renderedNamespaces } from "./rendered-namespaces.js";
import type { ClusterSpec } from "./types.js";

/**
 * The namespaces a cluster's encrypted Secrets may live in: the rendered ones and `flux-system`
 * (Flux's own, present on every cluster: Git credentials of `flux.gitSources` and notification
 * Provider credentials live there).
 */
export function secretNamespaces(spec: Pick<ClusterSpec, "namespaces"> & Partial<Pick<ClusterSpec, "platforms">>): string[] {
  return [...renderedNamespaces(spec), FLUX_NAMESPACE];
}
