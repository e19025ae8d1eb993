import { existsSync, realpathSync } from "node:fs";
import { dirname, relative, sep } from "node:path";
import { GitError, mergeBase, resolveCommit, workTreeRoot } from "../tree/git.js";
import { readGitTree } from "../tree/git-tree.js";
import { readTreeFiles } from "../tree/tree-files.js";
import type { DiffInput } from "./diff-trees.js";

/** The refs tried, in order, when no base is given. */
export const DEFAULT_BASE_REFS = ["origin/main", "main", "HEAD"] as const;

export interface DiffSources {
  /** The rendered tree on disk (`clusters/`), inside a Git work tree. */
  treeDir: string;
  /** Base ref; default: the first of origin/main, main, HEAD that exists. */
  base?: string;
  /** Head ref; default: the tree on disk (the working tree, committed or not). */
  head?: string;
  /**
   * Compare with the merge base of the base and the head (what a pull request shows), not the
   * base's tip; default true.
   */
  mergeBase?: boolean;
}

/** A problem the user must fix (a ref that does not exist, a tree outside the repository). */
export class DiffInputError extends Error {}

/** Reads both sides of a diff: the committed tree at the base, and the head's (a ref, or the disk). */
export async function loadDiffInput(sources: DiffSources): Promise<DiffInput> {
  const treeDir = existsSync(sources.treeDir) ? realpathSync(sources.treeDir) : sources.treeDir;
  let repo: string;
  try {
    repo = realpathSync(await workTreeRoot(existsSync(treeDir) ? treeDir : dirname(treeDir)));
  } catch (error) {
    throw new DiffInputError(`${sources.treeDir} is not inside a Git work tree (${error instanceof GitError ? error.stderr.trim() : String(error)}); diff reads the base from Git`);
  }
  const treePrefix = relative(repo, treeDir).split(sep).join("/");
  if (treePrefix === "" || treePrefix.startsWith("..")) throw new DiffInputError(`${sources.treeDir} must be a directory inside the repository ${repo}, like clusters/`);

  const baseRef = sources.base ?? (await firstExisting(repo));
  const baseCommit = await resolveCommit(repo, baseRef);
  if (baseCommit === undefined) throw new DiffInputError(`base ${JSON.stringify(baseRef)} is not a commit in ${repo}; pass --base <ref> (a branch, tag or commit; fetch it first in CI)`);
  let headCommit: string | undefined;
  if (sources.head !== undefined) {
    headCommit = await resolveCommit(repo, sources.head);
    if (headCommit === undefined) throw new DiffInputError(`head ${JSON.stringify(sources.head)} is not a commit in ${repo}`);
  }
  const tip = headCommit ?? (await resolveCommit(repo, "HEAD"));
  const from = sources.mergeBase === false || tip === undefined ? baseCommit : ((await mergeBase(repo, baseCommit, tip)) ?? baseCommit);

  const [baseFiles, headFiles] = await Promise.all([
    readGitTree(repo, from, treePrefix),
    headCommit ? readGitTree(repo, headCommit, treePrefix) : readTreeFiles(treeDir),
  ]);
  return {
    base: { side: { label: from === baseCommit ? baseRef : `merge base of ${baseRef}`, commit: from }, files: baseFiles },
    head: { side: headCommit ? { label: sources.head!, commit: headCommit } : { label: "working tree" }, files: headFiles },
    treePrefix,
  };
}

async function firstExisting(repo: string): Promise<string> {
  for (const ref of DEFAULT_BASE_REFS) if ((await resolveCommit(repo, ref)) !== undefined) return ref;
  throw new DiffInputError(`none of ${DEFAULT_BASE_REFS.join(", ")} exists in ${repo} (no commits yet?); pass --base <ref>`);
}
