import type { Manifest } from "../manifests/manifest.js";

/** The API group of an object's apiVersion ("" for the core group). */
export function groupOf(object: Record<string, unknown>): string {
  const apiVersion = typeof object.apiVersion === "string" ? object.apiVersion : "";
  return apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
}

export const KUSTOMIZE_GROUP = "kustomize.toolkit.fluxcd.io";
export const HELM_GROUP = "helm.toolkit.fluxcd.io";
export const SOURCE_GROUP = "source.toolkit.fluxcd.io";
export const FLUX_NAMESPACE = "flux-system";

export function isFluxKustomization(manifest: Manifest): boolean {
  return manifest.object.kind === "Kustomization" && groupOf(manifest.object) === KUSTOMIZE_GROUP;
}

export function isHelmRelease(manifest: Manifest): boolean {
  return manifest.object.kind === "HelmRelease" && groupOf(manifest.object) === HELM_GROUP;
}

export function isFluxSource(manifest: Manifest): boolean {
  return groupOf(manifest.object) === SOURCE_GROUP;
}

/** A quick test on a file's text: could it hold a Flux Kustomization (worth parsing for the layout)? */
export function mayHoldFluxKustomization(content: string): boolean {
  return content.includes(KUSTOMIZE_GROUP);
}

export function namespaceOf(manifest: Manifest): string {
  const metadata = manifest.object.metadata as { namespace?: unknown };
  return typeof metadata.namespace === "string" && metadata.namespace !== "" ? metadata.namespace : "default";
}

export function nameOf(manifest: Manifest): string {
  return String((manifest.object.metadata as { name: unknown }).name);
}

export function specOf(manifest: Manifest): Record<string, unknown> {
  const spec = manifest.object.spec;
  return spec !== null && typeof spec === "object" && !Array.isArray(spec) ? (spec as Record<string, unknown>) : {};
}

/** `{ name, namespace }` references of a `dependsOn` list; the namespace defaults to the object's own. */
export function dependsOnRefs(manifest: Manifest): { name: string; namespace: string; index: number }[] {
  const list = specOf(manifest).dependsOn;
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry, index) => {
    if (entry === null || typeof entry !== "object") return [];
    const { name, namespace } = entry as { name?: unknown; namespace?: unknown };
    if (typeof name !== "string") return [];
    return [{ name, namespace: typeof namespace === "string" && namespace !== "" ? namespace : namespaceOf(manifest), index }];
  });
}
