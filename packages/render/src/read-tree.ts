import { isGenerated } from "./header.js";
import { walkTree, type WalkedTree } from "./tree-files.js";

export interface ExistingTree {
  /** Files flotilla wrote earlier (they carry its header): relative path → content. */
  generated: Map<string, string>;
  /** Everything else (files and symlinks), e.g. Flux's own `flux-system/`: never modified. */
  foreign: Set<string>;
}

/** Reads the output tree as it is on disk; a missing root is an empty tree. */
export async function readTree(root: string): Promise<ExistingTree> {
  return existingTree(await walkTree(root));
}

/** The output tree as walkTree read it: generated and foreign files. */
export function existingTree({ files, others }: WalkedTree): ExistingTree {
  const tree: ExistingTree = { generated: new Map(), foreign: new Set(others) };
  for (const [path, content] of files) {
    if (isGenerated(content)) tree.generated.set(path, content);
    else tree.foreign.add(path);
  }
  return tree;
}

/**
 * The part of `tree` below the top-level directories `dirs` (the clusters a command is scoped to,
 * `--cluster`); the whole tree when `dirs` is undefined.
 */
export function treeWithin(tree: ExistingTree, dirs: readonly string[] | undefined): ExistingTree {
  if (dirs === undefined) return tree;
  const inside = (path: string) => dirs.some((dir) => path.startsWith(`${dir}/`));
  return { generated: new Map([...tree.generated].filter(([path]) => inside(path))), foreign: new Set([...tree.foreign].filter(inside)) };
}
