import { KUBERNETES_VERSION_ANNOTATION } from "@flotilla/fleet";

/**
 * The Kubernetes version a tree says a cluster's HelmReleases are rendered for: the annotation
 * synth writes on each of them (the first one found); undefined when none carries it (a tree
 * synthesized before flotilla recorded it, or without HelmReleases).
 */
export function recordedKubernetesVersion(objects: readonly unknown[]): string | undefined {
  for (const object of objects as { kind?: unknown; apiVersion?: unknown; metadata?: { annotations?: Record<string, unknown> } }[]) {
    if (object?.kind !== "HelmRelease" || !String(object.apiVersion).startsWith("helm.toolkit.fluxcd.io/")) continue;
    const version = object.metadata?.annotations?.[KUBERNETES_VERSION_ANNOTATION];
    if (typeof version === "string" && version !== "") return version;
  }
  return undefined;
}
