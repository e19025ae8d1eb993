import { randomBytes } from "node:crypto";
import { readFileSync, statSync, unlinkSync } from "node:fs";
import { link, mkdir, open, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { currentProcess, mayBeRunning, parseProcessIdentity, type ProcessIdentity } from "./process-identity.js";

/** How long a writer waits for another one to finish before refusing. */
export const DEFAULT_LOCK_WAIT_MS = 10_000;

export interface LockOptions {
  /** What the taking process does, shown to a writer that has to wait (`synth`, `secret set`). */
  operation: string;
  /**
   * How long to wait for the holder to finish; 0 refuses at once.
   * @default DEFAULT_LOCK_WAIT_MS
   */
  waitMs?: number;
  /** Called once when the lock is busy and the caller starts waiting. */
  onWait?: (holder: ProcessIdentity, lockFile: string) => void;
}

/** The lock file of `guarded`: `.<name>.lock` beside it (`clusters/` → `.clusters.lock`). */
export function lockFileFor(guarded: string): string {
  return join(dirname(guarded), `.${basename(guarded)}.lock`);
}

/** Another process holds the lock and did not let go within the wait. */
export class LockBusyError extends Error {
  constructor(
    readonly guarded: string,
    readonly lockFile: string,
    readonly holder: ProcessIdentity,
    readonly waitedMs: number,
  ) {
    super(
      `${guarded} is locked by ${describeHolder(holder)}; waited ${formatSeconds(waitedMs)}. ` +
        `Let that run finish and try again; if no such process is running any more, delete ${lockFile}.`,
    );
    this.name = "LockBusyError";
  }
}

export function describeHolder(holder: ProcessIdentity): string {
  const age = Date.now() - Date.parse(holder.lockedAt);
  const since = Number.isFinite(age) ? ` (${formatSeconds(Math.max(0, age))} ago)` : "";
  return `${holder.operation}, pid ${holder.pid} on ${holder.host}, since ${holder.lockedAt}${since}`;
}

/** A lock this process holds. */
export class HeldLock {
  private released = false;
  private readonly onExit = () => this.releaseSync();

  constructor(
    readonly lockFile: string,
    private readonly identity: FileIdentity,
  ) {
    process.once("exit", this.onExit);
  }

  /** Whether the lock file is still this process's (nobody deleted or replaced it). */
  async isHeld(): Promise<boolean> {
    return !this.released && (await isSameFile(this.lockFile, this.identity));
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    process.removeListener("exit", this.onExit);
    await unlinkIfSame(this.lockFile, this.identity);
  }

  private releaseSync(): void {
    if (this.released) return;
    this.released = true;
    try {
      if (statSync(this.lockFile).ino === this.identity.ino && readFileSync(this.lockFile, "utf8") === this.identity.text) unlinkSync(this.lockFile);
    } catch {
      // already gone
    }
  }
}

/**
 * Takes the lock of `guarded` (see `lockFileFor`). The lock file appears whole, by a hard link of
 * a fully written file (link(2) fails when the name exists, like O_EXCL), and records who holds
 * it. A lock whose holder is no longer running (see `mayBeRunning`) is taken over; a live one is
 * waited for, at most `waitMs`, then refused with a LockBusyError naming the holder.
 */
export async function acquireLock(guarded: string, options: LockOptions): Promise<HeldLock> {
  const lockFile = lockFileFor(guarded);
  await mkdir(dirname(lockFile), { recursive: true });
  const waitMs = options.waitMs ?? DEFAULT_LOCK_WAIT_MS;
  const started = Date.now();
  let delay = 20;
  let waiting = false;
  for (;;) {
    const attempt = await tryAcquire(lockFile, currentProcess(options.operation));
    if ("acquired" in attempt) return new HeldLock(lockFile, attempt.acquired);
    const waited = Date.now() - started;
    if (waited >= waitMs) throw new LockBusyError(guarded, lockFile, attempt.holder, waited);
    if (!waiting) options.onWait?.(attempt.holder, lockFile);
    waiting = true;
    await sleep(Math.min(delay, waitMs - waited));
    delay = Math.min(delay * 2, 250);
  }
}

/** Runs `task` holding the lock of `guarded`, and releases it however `task` ends. */
export async function withLock<T>(guarded: string, options: LockOptions, task: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(guarded, options);
  try {
    return await task();
  } finally {
    await lock.release();
  }
}

/** A lock file as written: its inode and its text (inodes are reused once a file is deleted). */
interface FileIdentity {
  ino: number;
  text: string;
}

type Attempt = { acquired: FileIdentity } | { holder: ProcessIdentity };

async function tryAcquire(lockFile: string, me: ProcessIdentity): Promise<Attempt> {
  // A few rounds: the holder may let go, or a stale lock be removed, between two steps.
  let holder: ProcessIdentity | undefined;
  for (let round = 0; round < 5; round++) {
    const acquired = await linkExclusive(lockFile, me);
    if (acquired !== undefined) return { acquired };
    const current = await readLock(lockFile);
    if (current === undefined) continue;
    if (current.holder !== undefined && mayBeRunning(current.holder)) return { holder: current.holder };
    holder = current.holder;
    await breakStaleLock(lockFile, current.identity, me);
  }
  return { holder: holder ?? UNKNOWN_HOLDER };
}

const UNKNOWN_HOLDER: ProcessIdentity = { pid: 0, host: "?", operation: "a process that keeps re-creating it", lockedAt: "" };

/**
 * Removes a lock left by a process that is gone, under a second lock (`<lock>.break`) so that two
 * processes finding the same stale lock cannot remove each other's fresh one: only the breaker
 * removes it, and only if it is still the very file found stale (same inode).
 */
async function breakStaleLock(lockFile: string, stale: FileIdentity, me: ProcessIdentity): Promise<void> {
  const breakFile = `${lockFile}.break`;
  const breakLock = await linkExclusive(breakFile, me);
  if (breakLock === undefined) {
    // Another process is breaking it, or died doing so (a few system calls): its break lock is stale then.
    const breaker = await readLock(breakFile);
    if (breaker && (breaker.holder === undefined || !mayBeRunning(breaker.holder))) await unlinkIfSame(breakFile, breaker.identity);
    return;
  }
  try {
    await unlinkIfSame(lockFile, stale);
  } finally {
    await unlinkIfSame(breakFile, breakLock);
  }
}

/** Creates `file` holding `holder`, complete, or returns undefined when it exists. */
async function linkExclusive(file: string, holder: ProcessIdentity): Promise<FileIdentity | undefined> {
  const candidate = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  // The nonce tells this lock file from a later one that got the same inode.
  const text = `${JSON.stringify({ ...holder, nonce: randomBytes(8).toString("hex") })}\n`;
  const handle = await open(candidate, "wx", 0o644);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(candidate, file);
    return { ino: (await stat(candidate)).ino, text };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return undefined;
    throw error;
  } finally {
    await unlink(candidate).catch(ignoreMissing);
  }
}

/**
 * The holder recorded in a lock file (undefined when the content is not flotilla's: hand-made, or
 * truncated by a full disk, and held by nobody then), or undefined when the file vanished.
 */
async function readLock(file: string): Promise<{ holder: ProcessIdentity | undefined; identity: FileIdentity } | undefined> {
  try {
    const handle = await open(file, "r");
    try {
      const { ino } = await handle.stat();
      const text = await handle.readFile("utf8");
      return { identity: { ino, text }, holder: parseHolder(text) };
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function parseHolder(text: string): ProcessIdentity | undefined {
  try {
    return parseProcessIdentity(JSON.parse(text));
  } catch {
    return undefined;
  }
}

async function unlinkIfSame(file: string, identity: FileIdentity): Promise<void> {
  if (await isSameFile(file, identity)) await unlink(file).catch(ignoreMissing);
}

async function isSameFile(file: string, identity: FileIdentity): Promise<boolean> {
  const current = await readLock(file).catch(() => undefined);
  return current !== undefined && current.identity.ino === identity.ino && current.identity.text === identity.text;
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== "ENOENT") throw error;
}

function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
