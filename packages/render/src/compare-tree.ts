import type { ExistingTree } from "./read-tree.js";

/** How the tree on disk differs from the planned one. Every list is sorted. */
export interface TreeChanges {
  /** Generated files whose content differs from what synth renders now. */
  drifted: string[];
  /** Planned files that are not on disk. */
  missing: string[];
  /** Generated files on disk that synth no longer renders. */
  stale: string[];
  /** Planned paths occupied by files flotilla did not write; synth will not overwrite them. */
  conflicts: string[];
}

export function compareTree(planned: Map<string, string>, existing: ExistingTree): TreeChanges {
  const changes: TreeChanges = { drifted: [], missing: [], stale: [], conflicts: [] };
  for (const [path, content] of planned) {
    const current = existing.generated.get(path);
    if (existing.foreign.has(path)) changes.conflicts.push(path);
    else if (current === undefined) changes.missing.push(path);
    else if (current !== content) changes.drifted.push(path);
  }
  for (const path of existing.generated.keys()) if (!planned.has(path)) changes.stale.push(path);
  for (const list of Object.values(changes)) list.sort();
  return changes;
}

export function hasChanges(changes: TreeChanges): boolean {
  return Object.values(changes).some((list) => list.length > 0);
}
