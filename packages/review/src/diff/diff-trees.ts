import { clusterLayout, type ClusterLayout, type KustomizationGroup } from "../flux/layout.js";
import { mayHoldFluxKustomization } from "../flux/flux-kinds.js";
import { isManifestFile, type Manifest, parseManifests } from "../manifests/manifest.js";
import { isSopsEncrypted } from "../manifests/sops.js";
import { clusterNames, type TreeFiles } from "../tree/tree-files.js";
import { blastRadius } from "./blast-radius.js";
import { addCounts, zeroCounts } from "./counts.js";
import { fieldChanges } from "./field-changes.js";
import { pendingIdentityMarks } from "./pending.js";
import type { ChangeKind, ClusterDiff, DiffReport, DiffSide, GroupDiff, ObjectDiff } from "./types.js";

export interface DiffInput {
  base: { side: DiffSide; files: TreeFiles };
  head: { side: DiffSide; files: TreeFiles };
  /** Repository-relative directory of the tree (`clusters`): Flux Kustomization paths are resolved against it. */
  treePrefix: string;
}

interface Side {
  manifests: Manifest[];
  layout: ClusterLayout;
}

/**
 * Compares two rendered trees object by object, grouped by cluster and Flux Kustomization. Files
 * with identical bytes are not parsed (only scanned for Flux Kustomizations, which place every
 * other object in its group), so the cost follows the size of the change, not of the fleet.
 */
export function diffTrees(input: DiffInput): DiffReport {
  const { base, head, treePrefix } = input;
  const baseClusters = clusterNames(base.files);
  const headClusters = clusterNames(head.files);
  const clusters = [...new Set([...baseClusters, ...headClusters])].sort();
  const report: DiffReport = {
    base: base.side,
    head: head.side,
    summary: { clusters: { total: clusters.length, affected: 0, added: 0, removed: 0, changed: 0 }, objects: zeroCounts() },
    clusters: [],
    unaffected: [],
    notes: [],
    pending: pendingIdentityMarks(head.files),
  };
  const changedFiles = new Set<string>();
  for (const path of new Set([...base.files.keys(), ...head.files.keys()])) {
    if (isManifestFile(path) && base.files.get(path) !== head.files.get(path)) changedFiles.add(path);
  }
  const baseSide = parseSide(base.files, changedFiles, report.notes, "base");
  const headSide = parseSide(head.files, changedFiles, report.notes, "head");

  for (const cluster of clusters) {
    const before = sideOf(baseSide, cluster, changedFiles, treePrefix);
    const after = sideOf(headSide, cluster, changedFiles, treePrefix);
    const change: ChangeKind = !baseClusters.has(cluster) ? "added" : !headClusters.has(cluster) ? "removed" : "changed";
    const clusterDiff = diffCluster(cluster, change, before, after);
    if (clusterDiff.groups.length === 0) {
      report.unaffected.push(cluster);
      continue;
    }
    report.clusters.push(clusterDiff);
    report.summary.clusters.affected++;
    report.summary.clusters[change]++;
    addCounts(report.summary.objects, clusterDiff.counts);
  }
  return report;
}

function parseSide(files: TreeFiles, changed: Set<string>, notes: string[], label: string): Manifest[] {
  const wanted = [...files.keys()].filter((path) => changed.has(path) || (isManifestFile(path) && mayHoldFluxKustomization(files.get(path)!)));
  const parsed = parseManifests(files, wanted);
  for (const problem of parsed.problems) if (changed.has(problem.file)) notes.push(`${label}: ${problem.file}: ${problem.message}`);
  return parsed.manifests;
}

/** A cluster's side: the objects of changed files are compared; Flux Kustomizations of all files place them. */
function sideOf(manifests: Manifest[], cluster: string, changed: Set<string>, treePrefix: string): Side {
  const own = manifests.filter((manifest) => manifest.cluster === cluster);
  return { manifests: own.filter((manifest) => changed.has(manifest.file)), layout: clusterLayout(cluster, own, treePrefix) };
}

function diffCluster(cluster: string, change: ChangeKind, before: Side, after: Side): ClusterDiff {
  const baseByKey = new Map(before.manifests.map((manifest) => [manifest.key, manifest]));
  const headByKey = new Map(after.manifests.map((manifest) => [manifest.key, manifest]));
  const groups = new Map<string, GroupDiff>();
  const place = (group: KustomizationGroup, object: ObjectDiff) => {
    let entry = groups.get(group.id);
    if (!entry) groups.set(group.id, (entry = { id: group.id, label: group.label, root: group.root, dir: group.dir, counts: zeroCounts(), objects: [] }));
    entry.objects.push(object);
    entry.counts[object.change]++;
  };
  for (const key of new Set([...baseByKey.keys(), ...headByKey.keys()])) {
    const old = baseByKey.get(key);
    const current = headByKey.get(key);
    if (current && !old) place(after.layout.groupOfDir(current.dir), describe(current, "added", []));
    else if (old && !current) place(before.layout.groupOfDir(old.dir), describe(old, "removed", []));
    else if (old && current) {
      const fields = fieldChanges(old.object, current.object);
      if (old.file !== current.file) fields.unshift({ path: "(file)", change: "changed", before: old.file, after: current.file });
      if (fields.length > 0) place(after.layout.groupOfDir(current.dir), describe(current, "changed", fields, isSopsEncrypted(old.object)));
    }
  }
  const sorted = [...groups.values()].sort((a, b) => (a.root !== b.root ? (a.root ? -1 : 1) : compare(a.label, b.label) || compare(a.id, b.id)));
  const counts = zeroCounts();
  for (const group of sorted) {
    group.objects.sort((a, b) => compare(objectSortKey(a), objectSortKey(b)));
    addCounts(counts, group.counts);
  }
  return { name: cluster, change, counts, groups: sorted, graph: blastRadius(sorted, before.layout, after.layout) };
}

function describe(manifest: Manifest, change: ChangeKind, fields: ObjectDiff["fields"], encryptedBefore = false): ObjectDiff {
  const metadata = manifest.object.metadata as { name: string; namespace?: unknown };
  const object: ObjectDiff = {
    kind: String(manifest.object.kind),
    apiVersion: String(manifest.object.apiVersion),
    name: metadata.name,
    file: manifest.file,
    change,
    encrypted: encryptedBefore || isSopsEncrypted(manifest.object),
    fields,
  };
  if (typeof metadata.namespace === "string" && metadata.namespace !== "") object.namespace = metadata.namespace;
  return object;
}

function objectSortKey(object: ObjectDiff): string {
  return `${object.kind}\n${object.namespace ?? ""}\n${object.name}`;
}


function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
