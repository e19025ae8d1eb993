import { lstat, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * A rendered tree as plain files: path relative to the tree root (`clusters/`), POSIX separators,
 * e.g. `dev/infrastructure/namespace_analytics-dev.yaml` → content. Generated and foreign files
 * (Flux's own `flux-system/`) alike; symlinks and files over 16 MiB are left out.
 */
export type TreeFiles = Map<string, string>;

const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** Reads every regular file under `root`, sorted by path; a missing root is an empty tree. */
export async function readTreeFiles(root: string): Promise<TreeFiles> {
  const files: TreeFiles = new Map();
  await walk(root, "", files);
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

async function walk(root: string, relative: string, files: TreeFiles): Promise<void> {
  let entries;
  try {
    entries = await readdir(join(root, relative), { withFileTypes: true });
  } catch (error) {
    if (relative === "" && (error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  // A directory's entries are read at once (sorted above).
  await Promise.all(
    entries.map(async (entry) => {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(root, path, files);
      else if (entry.isFile() && (await lstat(join(root, path))).size <= MAX_FILE_BYTES) {
        files.set(path, await readFile(join(root, path), "utf8"));
      }
    }),
  );
}

/** The clusters of a tree: its top-level directories that hold files. */
export function clusterNames(files: TreeFiles): Set<string> {
  return new Set([...files.keys()].filter((path) => path.includes("/")).map((path) => path.slice(0, path.indexOf("/"))));
}
