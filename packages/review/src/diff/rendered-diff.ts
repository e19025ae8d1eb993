import type { ReleaseRender } from "@flotilla/helm";
import { parseManifests } from "../manifests/manifest.js";
import type { TreeFiles } from "../tree/tree-files.js";
import type { DiffInput } from "./diff-trees.js";
import { fieldChanges } from "./field-changes.js";
import type { DiffReport, RenderedObjectDiff } from "./types.js";

/**
 * Renders a cluster's HelmReleases on one side of the diff (with that side's chart archives);
 * `otherSide` is the cluster's objects on the other side (what a side that lacks a setting may fall back on).
 */
export type SideRenderer = (side: "base" | "head", cluster: string, objects: readonly unknown[], otherSide: readonly unknown[]) => Promise<readonly ReleaseRender[]>;

/**
 * Adds to every added, removed or changed HelmRelease of the report the change to the objects it
 * renders, field by field and grouped by object. Each side is rendered on its own (a chart version
 * bump renders the base with the base's archive), once per cluster and side.
 */
export async function addRenderedChanges(report: DiffReport, input: DiffInput, render: SideRenderer): Promise<void> {
  const objectsOf = memoObjects();
  for (const cluster of report.clusters) {
    const releases = cluster.groups.flatMap((group) => group.objects).filter((object) => object.kind === "HelmRelease" && object.apiVersion.startsWith("helm.toolkit.fluxcd.io/"));
    if (releases.length === 0) continue;
    const sides = { base: objectsOf(input.base.files, cluster.name), head: objectsOf(input.head.files, cluster.name) };
    const [base, head] = await Promise.all(
      (["base", "head"] as const).map(async (side) => {
        const objects = sides[side];
        return objects.length === 0 ? [] : render(side, cluster.name, objects, sides[side === "base" ? "head" : "base"]);
      }),
    );
    for (const release of releases) {
      const find = (renders: readonly ReleaseRender[] | undefined) => renders?.find((entry) => entry.name === release.name && entry.namespace === (release.namespace ?? "default"));
      const before = release.change === "added" ? undefined : find(base);
      const after = release.change === "removed" ? undefined : find(head);
      const notes = [
        ...(before?.result.problems ?? []).map((problem) => `base: ${problem.field}: ${problem.message}`),
        ...(after?.result.problems ?? []).map((problem) => `head: ${problem.field}: ${problem.message}`),
      ];
      if (notes.length > 0) release.renderNotes = notes;
      // A side that does not render has no objects to compare: its notes say why.
      release.rendered = notes.length > 0 ? [] : renderedChanges(before, after);
    }
  }
}

function memoObjects(): (files: TreeFiles, cluster: string) => unknown[] {
  const parsed = new Map<TreeFiles, ReturnType<typeof parseManifests>>();
  return (files, cluster) => {
    let manifests = parsed.get(files);
    if (!manifests) {
      manifests = parseManifests(files);
      parsed.set(files, manifests);
    }
    return manifests.manifests.filter((manifest) => manifest.cluster === cluster).map((manifest) => manifest.object);
  };
}

function renderedChanges(before: ReleaseRender | undefined, after: ReleaseRender | undefined): RenderedObjectDiff[] {
  const index = (render: ReleaseRender | undefined) => new Map((render?.result.objects ?? []).map((entry) => [keyOf(entry.object, entry.namespace), entry]));
  const old = index(before);
  const now = index(after);
  const changes: RenderedObjectDiff[] = [];
  for (const key of [...new Set([...old.keys(), ...now.keys()])].sort()) {
    const a = old.get(key);
    const b = now.get(key);
    const entry = (b ?? a)!;
    const metadata = (entry.object.metadata ?? {}) as { name?: unknown };
    const head = { kind: String(entry.object.kind), apiVersion: String(entry.object.apiVersion), ...(entry.namespace ? { namespace: entry.namespace } : {}), name: String(metadata.name) };
    if (!a) changes.push({ ...head, change: "added", fields: [] });
    else if (!b) changes.push({ ...head, change: "removed", fields: [] });
    else {
      const fields = fieldChanges(a.object, b.object);
      if (fields.length > 0) changes.push({ ...head, change: "changed", fields });
    }
  }
  return changes;
}

function keyOf(object: Record<string, unknown>, namespace: string): string {
  const apiVersion = String(object.apiVersion);
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.lastIndexOf("/")) : "";
  return `${group}|${String(object.kind)}|${namespace}|${String((object.metadata as { name?: unknown } | undefined)?.name)}`;
}
