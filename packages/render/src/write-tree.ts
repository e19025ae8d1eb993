import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { currentProcess, mayBeRunning, parseProcessIdentity, syncDirectory, writeSynced } from "@flotilla/lock";
import { compareTree, hasChanges, type TreeChanges } from "./compare-tree.js";
import { isGenerated } from "./header.js";
import { readTree, treeWithin } from "./read-tree.js";

export class TreeConflictError extends Error {
  constructor(readonly conflicts: string[]) {
    super(
      `refusing to overwrite ${conflicts.length} file(s) flotilla did not write: ${conflicts.join(", ")}. ` +
        "Move them away (or delete them) and run synth again.",
    );
  }
}

/** The moments of a write, for tests that stop the writer between them. */
export type WriteStep = "staged" | "committing" | "replaced";

export interface WriteTreeOptions {
  /** Called after each step (after every single file replaced or removed for "replaced"). */
  onStep?: (step: WriteStep, path?: string) => void;
  /**
   * The top-level directories (clusters) `planned` covers: only files below them are compared,
   * replaced or removed as stale; the rest of the tree is left as it is.
   * @default - the whole tree
   */
  within?: readonly string[];
}

/** What a commit does, recorded in the staging directory before the first file in the tree changes. */
interface CommitRecord {
  /** Files moved from `<staging>/files/` into the tree. */
  write: string[];
  /** Generated files removed from the tree. */
  remove: string[];
}

const COMMIT_FILE = "commit.json";
const OWNER_FILE = "owner.json";

/**
 * Makes `root` hold exactly the planned files plus the foreign files already there. The caller
 * holds the tree's lock (@flotilla/lock): one writer at a time.
 *
 * What a reader of `root` can see, at any moment: `root` itself is never moved or removed, and
 * every file in it is either its previous content or its new content, whole (each new file is
 * renamed into place). Unchanged and foreign files are never touched.
 *
 * 1. Stage: every new or changed file is written into a staging directory beside `root`
 *    (`.<root>.flotilla-staging-<pid>-<random>/`, with its owner) and fsynced. Any failure here
 *    (a full disk, a permission) removes the staging directory and leaves `root` as it was.
 * 2. Commit point: the list of files to move and to remove is written and fsynced.
 * 3. Replace: stale generated files are removed, empty directories pruned, the staged files renamed
 *    into the tree (directories 0755, files 0644, less the umask), every changed directory fsynced.
 *
 * A writer killed during step 3 leaves a tree that mixes old and new files; the next write
 * (recoverInterruptedWrites) finishes that commit first, and one killed before step 2 is
 * discarded. Only staging directories whose owner is no longer running are recovered.
 */
export async function writeTree(root: string, planned: Map<string, string>, options: WriteTreeOptions = {}): Promise<TreeChanges> {
  await recoverInterruptedWrites(root);
  const existing = treeWithin(await readTree(root), options.within);
  const changes = compareTree(planned, existing);
  if (changes.conflicts.length > 0) throw new TreeConflictError(changes.conflicts);
  if (!hasChanges(changes)) return changes;

  await refuseMountPoint(root);
  const staging = await createStaging(root);
  const commit: CommitRecord = { write: [...changes.drifted, ...changes.missing].sort(), remove: changes.stale };
  try {
    await stageFiles(staging, commit.write.map((path) => [path, planned.get(path)!]));
    options.onStep?.("staged");
    await writeSynced(join(staging, `${COMMIT_FILE}.tmp`), JSON.stringify(commit));
    await rename(join(staging, `${COMMIT_FILE}.tmp`), join(staging, COMMIT_FILE));
    await syncDirectory(staging);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  options.onStep?.("committing");
  await applyCommit(root, staging, commit, options);
  return changes;
}

/**
 * Finishes or discards what writers that are gone left beside `root`: a staging directory past its
 * commit point is applied (its remaining files moved in, its removals done), one before it is
 * deleted. A staging directory whose owner may still run is left alone. A tree moved aside by an
 * earlier version of flotilla (`.<root>.flotilla-old`, and no `root`) is moved back, and the new
 * trees it staged and never swapped in (`.<root>.flotilla-new-*`) are deleted.
 */
export async function recoverInterruptedWrites(root: string): Promise<void> {
  const parent = dirname(root);
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const previous = join(parent, `.${basename(root)}.flotilla-old`);
  if (entries.includes(basename(previous)) && !entries.includes(basename(root))) await rename(previous, root);
  // Earlier versions staged a whole new tree in `.<root>.flotilla-new-<random>` and swapped it in:
  // one left behind was never swapped in (its writer died), and no current writer makes one.
  const abandoned = entries.filter((entry) => entry.startsWith(`.${basename(root)}.flotilla-new-`));
  await Promise.all(abandoned.map((entry) => rm(join(parent, entry), { recursive: true, force: true })));
  for (const entry of entries) {
    const owner = stagingOwner(root, entry);
    if (owner === undefined) continue;
    const staging = join(parent, entry);
    if (await ownerMayBeRunning(staging, owner)) continue;
    const commit = await readCommit(staging);
    if (commit === undefined) await rm(staging, { recursive: true, force: true });
    else await applyCommit(root, staging, commit, {});
  }
}

/** Staged files are renamed into the tree: they must be on its file system. */
async function refuseMountPoint(root: string): Promise<void> {
  const [tree, parent] = await Promise.all([stat(root).catch(() => undefined), stat(dirname(root))]);
  if (tree !== undefined && tree.dev !== parent.dev) {
    throw new Error(`${root} is a mount point: synth stages files beside it, in ${dirname(root)}, and renames them in, which cannot cross file systems; write to a directory inside it (--out)`);
  }
}

function stagingPrefix(root: string): string {
  return `.${basename(root)}.flotilla-staging-`;
}

/** The pid in a staging directory's name, or undefined when `entry` is not one of `root`'s. */
function stagingOwner(root: string, entry: string): number | undefined {
  const prefix = stagingPrefix(root);
  if (!entry.startsWith(prefix)) return undefined;
  const pid = Number(entry.slice(prefix.length).split("-")[0]);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

async function createStaging(root: string): Promise<string> {
  const staging = join(dirname(root), `${stagingPrefix(root)}${process.pid}-${randomBytes(6).toString("hex")}`);
  await mkdir(staging, { recursive: true, mode: 0o755 });
  await writeSynced(join(staging, OWNER_FILE), JSON.stringify(currentProcess("synth")));
  return staging;
}

/** The recorded owner decides; without one (killed right after mkdir) the pid of the name does. */
async function ownerMayBeRunning(staging: string, pidFromName: number): Promise<boolean> {
  const text = await readFile(join(staging, OWNER_FILE), "utf8").catch(() => "");
  let owner;
  try {
    owner = parseProcessIdentity(JSON.parse(text));
  } catch {
    owner = undefined;
  }
  if (owner !== undefined) return mayBeRunning(owner);
  try {
    process.kill(pidFromName, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

async function readCommit(staging: string): Promise<CommitRecord | undefined> {
  try {
    const commit = JSON.parse(await readFile(join(staging, COMMIT_FILE), "utf8")) as CommitRecord;
    return Array.isArray(commit.write) && Array.isArray(commit.remove) ? commit : undefined;
  } catch {
    return undefined;
  }
}

/** Writes and fsyncs the files (a few at a time: each fsync waits for the disk), then their directories. */
async function stageFiles(staging: string, files: [string, string][]): Promise<void> {
  const dirs = new Set(files.map(([path]) => dirname(join(staging, "files", path))));
  for (const dir of [...dirs].sort()) await mkdir(dir, { recursive: true, mode: 0o755 });
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const [path, content] = files[next++]!;
      await writeSynced(join(staging, "files", path), content);
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, files.length) }, worker));
  for (const dir of dirs) await syncDirectory(dir);
}

/**
 * Replaces the tree's files as recorded; idempotent, so a commit interrupted at any point can be
 * applied again: a file already moved is no longer in the staging directory, one already removed
 * is gone. A file to remove that no longer carries flotilla's header (edited by hand since) stays.
 */
async function applyCommit(root: string, staging: string, commit: CommitRecord, options: WriteTreeOptions): Promise<void> {
  const touched = new Set<string>([root]);
  await mkdir(root, { recursive: true, mode: 0o755 });
  for (const path of commit.remove) {
    const target = join(root, path);
    const content = await readFile(target, "utf8").catch(() => undefined);
    if (content === undefined || !isGenerated(content)) continue;
    await unlink(target);
    touched.add(dirname(target));
    options.onStep?.("replaced", path);
  }
  await pruneEmptyDirectories(root, commit, touched);
  for (const path of commit.write) {
    const source = join(staging, "files", path);
    const target = join(root, path);
    await mkdirInTree(root, dirname(path), touched);
    try {
      await rename(source, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue; // moved by the interrupted run
      throw error;
    }
    touched.add(dirname(target));
    options.onStep?.("replaced", path);
  }
  for (const dir of touched) await syncDirectory(dir).catch(() => undefined);
  await rm(staging, { recursive: true, force: true });
  await syncDirectory(dirname(root));
}

/** Creates the tree's directories down to `relative`, recording each new one and its parent. */
async function mkdirInTree(root: string, relative: string, touched: Set<string>): Promise<void> {
  if (relative === "." || relative === "") return;
  const created = await mkdir(join(root, relative), { recursive: true, mode: 0o755 });
  if (created === undefined) return;
  for (let dir = join(root, relative); dir.length >= created.length; dir = dirname(dir)) touched.add(dirname(dir));
}

/**
 * Removes the directories (below `root`, never `root`) that the removals left empty, except those
 * the commit writes into (a reader never sees them vanish and come back).
 */
async function pruneEmptyDirectories(root: string, commit: CommitRecord, touched: Set<string>): Promise<void> {
  const kept = new Set<string>();
  for (const path of commit.write) for (let dir = dirname(path); dir !== "."; dir = dirname(dir)) kept.add(dir);
  const candidates = new Set<string>();
  for (const path of commit.remove) {
    for (let dir = dirname(path); dir !== "." && !kept.has(dir); dir = dirname(dir)) candidates.add(dir);
  }
  // Deepest first, so a parent is only tried once its children are gone.
  for (const dir of [...candidates].sort((a, b) => b.split("/").length - a.split("/").length)) {
    try {
      await rmdir(join(root, dir));
      touched.add(dirname(join(root, dir)));
    } catch {
      // not empty (foreign files) or already gone
    }
  }
}
