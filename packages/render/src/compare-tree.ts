import type { ExistingTree } from "./read-tree.js";

/** How the tree on disk differs from the planned one. Every list is sorted. */
export interface TreeChanges {
  /** Generated files whose content differs from what synth renders now. */
  drifted: string[];
  /** Planned files that are not on disk. */
  missing: string[];
  /** Generated files on disk that synth no longer renders. */
  stale: string[];
  /**
   * Planned paths occupied by files flotilla did not write (or by a directory holding some, or
   * below one of them); synth will not overwrite them.
   */
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
  changes.conflicts.push(...pathTypeConflicts(planned, existing.foreign));
  for (const list of Object.values(changes)) list.sort();
  return changes;
}

export function hasChanges(changes: TreeChanges): boolean {
  return Object.values(changes).some((list) => list.length > 0);
}

/** Planned files that would replace a directory of foreign files, or go below a foreign file. */
function pathTypeConflicts(planned: Map<string, string>, foreign: Set<string>): string[] {
  const foreignDirs = new Set<string>();
  for (const path of foreign) for (let at = path.lastIndexOf("/"); at > 0; at = path.lastIndexOf("/", at - 1)) foreignDirs.add(path.slice(0, at));
  const conflicts: string[] = [];
  for (const path of planned.keys()) {
    if (foreignDirs.has(path)) conflicts.push(path);
    else for (let at = path.lastIndexOf("/"); at > 0; at = path.lastIndexOf("/", at - 1)) {
      if (foreign.has(path.slice(0, at))) {
        conflicts.push(path);
        break;
      }
    }
  }
  return conflicts;
}
