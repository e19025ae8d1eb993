import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A rendered tree as plain files: path relative to the tree root (`clusters/`), POSIX separators,
 * e.g. `dev/infrastructure/namespace_analytics-dev.yaml` → content, sorted by path.
 */
export type TreeFiles = Map<string, string>;

export interface WalkedTree {
  /** Every regular file up to 16 MiB with its content. */
  files: TreeFiles;
  /** Everything else that is not a directory: symlinks, special and oversized files. */
  others: Set<string>;
}

const MAX_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Reads everything under `root`; a missing root is an empty tree. The reads are synchronous: a tree
 * is hundreds of small files, and a thread-pool round trip per file costs more than the read.
 */
export async function walkTree(root: string): Promise<WalkedTree> {
  const tree: WalkedTree = { files: new Map(), others: new Set() };
  walk(root, "", tree);
  tree.files = new Map([...tree.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return tree;
}

/** The regular files of a tree (symlinks and oversized files left out), sorted by path. */
export async function readTreeFiles(root: string): Promise<TreeFiles> {
  return (await walkTree(root)).files;
}

function walk(root: string, relative: string, tree: WalkedTree): void {
  let entries;
  try {
    entries = readdirSync(join(root, relative), { withFileTypes: true });
  } catch (error) {
    if (relative === "" && (error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  for (const entry of entries) {
    const path = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) walk(root, path, tree);
    else if (entry.isFile() && lstatSync(join(root, path)).size <= MAX_FILE_BYTES) {
      tree.files.set(path, readFileSync(join(root, path), "utf8"));
    } else tree.others.add(path);
  }
}
