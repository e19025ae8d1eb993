import { lstat, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { isGenerated } from "./header.js";

export interface ExistingTree {
  /** Files flotilla wrote earlier (they carry its header): relative path → content. */
  generated: Map<string, string>;
  /** Everything else (files and symlinks), e.g. Flux's own `flux-system/`: never modified. */
  foreign: Set<string>;
}

/** Reads the output tree as it is on disk; a missing root is an empty tree. */
export async function readTree(root: string): Promise<ExistingTree> {
  const tree: ExistingTree = { generated: new Map(), foreign: new Set() };
  await walk(root, "", tree);
  return tree;
}

async function walk(root: string, relative: string, tree: ExistingTree): Promise<void> {
  let entries;
  try {
    entries = await readdir(join(root, relative), { withFileTypes: true });
  } catch (error) {
    if (relative === "" && (error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  for (const entry of entries) {
    const path = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      await walk(root, path, tree);
    } else if (entry.isFile() && (await lstat(join(root, path))).size < 16 * 1024 * 1024) {
      const content = await readFile(join(root, path), "utf8");
      if (isGenerated(content)) tree.generated.set(path, content);
      else tree.foreign.add(path);
    } else {
      tree.foreign.add(path);
    }
  }
}
