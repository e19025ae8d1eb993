import { selectClusters, type ClusterSelection } from "@flotilla/fleet";
import type { TreeFiles, WalkedTree } from "@flotilla/render";

/** The clusters a tree holds: its top-level directories (`dev/…` → `dev`), sorted. */
export function treeClusters(paths: Iterable<string>): string[] {
  const names = new Set<string>();
  for (const path of paths) {
    const slash = path.indexOf("/");
    if (slash > 0) names.add(path.slice(0, slash));
  }
  return [...names].sort();
}

/** `--cluster` against the clusters of trees (validate without a fleet, diff): see selectClusters. */
export function selectTreeClusters(trees: readonly Iterable<string>[], selected: readonly string[]): ClusterSelection {
  return selectClusters([...new Set(trees.flatMap((paths) => treeClusters(paths)))], selected, "the tree");
}

/** The files below the top-level directories `clusters` (the whole tree when undefined). */
export function filesWithin(files: TreeFiles, clusters: readonly string[] | undefined): TreeFiles {
  if (clusters === undefined) return files;
  return new Map([...files].filter(([path]) => clusters.some((cluster) => path.startsWith(`${cluster}/`))));
}

export function walkedWithin(tree: WalkedTree, clusters: readonly string[] | undefined): WalkedTree {
  if (clusters === undefined) return tree;
  return { files: filesWithin(tree.files, clusters), others: new Set([...tree.others].filter((path) => clusters.some((cluster) => path.startsWith(`${cluster}/`)))) };
}
