import type { ChangeCounts } from "./types.js";

export function zeroCounts(): ChangeCounts {
  return { added: 0, removed: 0, changed: 0 };
}

export function addCounts(into: ChangeCounts, counts: ChangeCounts): void {
  into.added += counts.added;
  into.removed += counts.removed;
  into.changed += counts.changed;
}
