import { isGenerated } from "./header.js";
import { walkTree } from "./tree-files.js";

export interface ExistingTree {
  /** Files flotilla wrote earlier (they carry its header): relative path → content. */
  generated: Map<string, string>;
  /** Everything else (files and symlinks), e.g. Flux's own `flux-system/`: never modified. */
  foreign: Set<string>;
}

/** Reads the output tree as it is on disk; a missing root is an empty tree. */
export async function readTree(root: string): Promise<ExistingTree> {
  const { files, others } = await walkTree(root);
  const tree: ExistingTree = { generated: new Map(), foreign: new Set(others) };
  for (const [path, content] of files) {
    if (isGenerated(content)) tree.generated.set(path, content);
    else tree.foreign.add(path);
  }
  return tree;
}
