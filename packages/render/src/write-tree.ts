import { link, mkdir, mkdtemp, readlink, rename, rm, stat, symlink, writeFile, lstat, readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { compareTree, hasChanges, type TreeChanges } from "./compare-tree.js";
import { readTree } from "./read-tree.js";

export class TreeConflictError extends Error {
  constructor(readonly conflicts: string[]) {
    super(
      `refusing to overwrite ${conflicts.length} file(s) flotilla did not write: ${conflicts.join(", ")}. ` +
        "Move them away (or delete them) and run synth again.",
    );
  }
}

/**
 * Makes `root` hold exactly the planned files plus the foreign files already there. The new tree is
 * built beside the old one and swapped in by renaming, so a failure at any point before the swap
 * leaves the previous tree untouched; an interrupted swap is completed or undone on the next run.
 */
export async function writeTree(root: string, planned: Map<string, string>): Promise<TreeChanges> {
  await recoverInterruptedSwap(root);
  const existing = await readTree(root);
  const changes = compareTree(planned, existing);
  if (changes.conflicts.length > 0) throw new TreeConflictError(changes.conflicts);
  if (!hasChanges(changes)) return changes;

  const staging = await mkdtemp(join(dirname(root), `.${basename(root)}.flotilla-new-`));
  try {
    for (const [path, content] of planned) {
      await mkdir(dirname(join(staging, path)), { recursive: true });
      await writeFile(join(staging, path), content, { mode: 0o644 });
    }
    for (const path of existing.foreign) await carryOver(join(root, path), join(staging, path));
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  await swapIn(root, staging);
  return changes;
}

function previousPath(root: string): string {
  return join(dirname(root), `.${basename(root)}.flotilla-old`);
}

async function swapIn(root: string, staging: string): Promise<void> {
  const previous = previousPath(root);
  if (await exists(root)) await rename(root, previous);
  await rename(staging, root);
  await rm(previous, { recursive: true, force: true });
}

async function recoverInterruptedSwap(root: string): Promise<void> {
  const previous = previousPath(root);
  if (await exists(previous)) {
    if (await exists(root)) await rm(previous, { recursive: true, force: true });
    else await rename(previous, root);
  }
  const parent = dirname(root);
  if (!(await exists(parent))) return;
  const prefix = `.${basename(root)}.flotilla-new-`;
  for (const entry of await readdir(parent)) {
    if (entry.startsWith(prefix)) await rm(join(parent, entry), { recursive: true, force: true });
  }
}

/** Hard-links a foreign file (same bytes, same inode) into the new tree; symlinks are recreated. */
async function carryOver(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  const info = await lstat(from);
  if (info.isSymbolicLink()) await symlink(await readlink(from), to);
  else await link(from, to);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
