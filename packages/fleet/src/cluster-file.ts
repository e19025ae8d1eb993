/** The parts of a cluster file path: `fleet/clusters/dev.ts` → dir, `dev`, `.ts`. */
export interface ClusterFileName {
  /** Everything up to and including the last '/' or '\\' (may be empty). */
  readonly directory: string;
  /** The file name without its last extension: the expected cluster name. */
  readonly stem: string;
  /** The last extension including the dot, e.g. `.ts` (may be empty). */
  readonly extension: string;
}

/** Splits a file path (either separator) into directory, stem and extension. */
export function splitClusterFile(file: string): ClusterFileName {
  const cut = Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\")) + 1;
  const base = file.slice(cut);
  const dot = base.lastIndexOf(".");
  return dot > 0
    ? { directory: file.slice(0, cut), stem: base.slice(0, dot), extension: base.slice(dot) }
    : { directory: file.slice(0, cut), stem: base, extension: "" };
}

/** The path `file` would have if it were named after cluster `name` (same directory and extension). */
export function fileForCluster(file: string, name: string): string {
  const parts = splitClusterFile(file);
  return `${parts.directory}${name}${parts.extension || ".ts"}`;
}
