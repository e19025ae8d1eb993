import { parse } from "yaml";
import { PENDING_IDENTITIES_ANNOTATION, PENDING_IDENTITY_ANNOTATION } from "@flotilla/workload-identity";
import { parseManifests, toJsGuarded } from "../manifests/manifest.js";
import type { TreeFiles } from "../tree/tree-files.js";
import type { PendingIdentityMark } from "./types.js";

const MARKER = "flotilla.dev/pending-identit";

/**
 * The identities a tree waits for (bootstrap apply has not created them): every ServiceAccount
 * marked `flotilla.dev/pending-identity`, every object annotated `flotilla.dev/pending-identities`
 * (a HelmRelease whose chart creates the ServiceAccounts) and every ServiceAccount patch of a Flux
 * controller Component so marked. Only files that mention the marker are parsed.
 */
export function pendingIdentityMarks(files: TreeFiles): PendingIdentityMark[] {
  const found = new Map<string, PendingIdentityMark>();
  const mark = (cluster: string, identity: string, object: string) => {
    const key = `${cluster}\n${identity}`;
    const entry = found.get(key) ?? { cluster, identity, objects: [] };
    if (!entry.objects.includes(object)) entry.objects.push(object);
    found.set(key, entry);
  };
  const marked = [...files.keys()].filter((file) => files.get(file)!.includes(MARKER));
  for (const manifest of parseManifests(files, marked).manifests) {
    const metadata = manifest.object.metadata as { name?: unknown; namespace?: unknown; annotations?: Record<string, unknown> } | undefined;
    const label = `${String(manifest.object.kind)} ${typeof metadata?.namespace === "string" ? `${metadata.namespace}/` : ""}${String(metadata?.name)}`;
    const single = metadata?.annotations?.[PENDING_IDENTITY_ANNOTATION];
    if (manifest.object.kind === "ServiceAccount" && typeof single === "string") mark(manifest.cluster, single, label);
    const many = metadata?.annotations?.[PENDING_IDENTITIES_ANNOTATION];
    if (typeof many === "string") for (const identity of many.split(",").filter(Boolean)) mark(manifest.cluster, identity, label);
  }
  for (const file of marked.filter((path) => /(^|\/)kustomization\.ya?ml$/.test(path))) {
    const component = toJsGuarded(file, () => parse(files.get(file)!)) as { kind?: unknown; patches?: { patch?: unknown }[] } | null;
    if (component?.kind !== "Component") continue;
    for (const entry of component.patches ?? []) {
      if (typeof entry.patch !== "string") continue;
      const patch = toJsGuarded(file, () => parse(entry.patch as string)) as { kind?: unknown; metadata?: { name?: unknown; annotations?: Record<string, unknown> } } | null;
      const identity = patch?.metadata?.annotations?.[PENDING_IDENTITY_ANNOTATION];
      if (patch?.kind === "ServiceAccount" && typeof identity === "string") mark(file.slice(0, file.indexOf("/")), identity, `ServiceAccount flux-system/${String(patch.metadata?.name)} (patched by ${file})`);
    }
  }
  const sorted = [...found.values()].sort((a, b) => (a.cluster === b.cluster ? (a.identity < b.identity ? -1 : 1) : a.cluster < b.cluster ? -1 : 1));
  for (const entry of sorted) entry.objects.sort();
  return sorted;
}
