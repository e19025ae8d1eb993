import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireLock, LockBusyError, lockFileFor, withLock } from "../src/index.js";

const built = fileURLToPath(new URL("../dist/index.js", import.meta.url));
let dir: string;
let guarded: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "flotilla-lock-"));
  guarded = join(dir, "clusters");
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

/** A pid that no process has now: a child that already exited (and was reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

describe("acquireLock", () => {
  it("writes the holder beside the guarded directory and removes it on release", async () => {
    const lock = await acquireLock(guarded, { operation: "synth" });
    expect(lockFileFor(guarded)).toBe(join(dir, ".clusters.lock"));
    const holder = JSON.parse(await readFile(join(dir, ".clusters.lock"), "utf8"));
    expect(holder).toMatchObject({ pid: process.pid, host: hostname(), operation: "synth" });
    expect(Date.parse(holder.lockedAt)).toBeGreaterThan(Date.now() - 60_000);
    await lock.release();
    expect(await readFile(join(dir, ".clusters.lock")).catch(() => "gone")).toBe("gone");
  });

  it("refuses a second writer after the bounded wait, naming the holder's pid and start time", async () => {
    const lock = await acquireLock(guarded, { operation: "synth" });
    const started = Date.now();
    const error = await acquireLock(guarded, { operation: "secret set", waitMs: 300 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(error).toBeInstanceOf(LockBusyError);
    const { message } = error as LockBusyError;
    expect(message).toContain(`pid ${process.pid}`);
    expect(message).toContain(JSON.parse(await readFile(lock.lockFile, "utf8")).lockedAt);
    expect(message).toContain(join(dir, ".clusters.lock"));
    await lock.release();
  });

  it("waits for the holder to let go", async () => {
    const lock = await acquireLock(guarded, { operation: "synth" });
    const waitedFor: number[] = [];
    setTimeout(() => void lock.release(), 200);
    const second = await acquireLock(guarded, { operation: "synth", waitMs: 5_000, onWait: (holder) => waitedFor.push(holder.pid) });
    expect(waitedFor).toEqual([process.pid]);
    await second.release();
  });

  it("takes over the lock of a process that is gone", async () => {
    const stale = { pid: deadPid(), host: hostname(), operation: "synth", lockedAt: "2026-01-01T00:00:00.000Z" };
    await writeFile(join(dir, ".clusters.lock"), JSON.stringify(stale));
    const lock = await acquireLock(guarded, { operation: "synth", waitMs: 0 });
    expect(JSON.parse(await readFile(lock.lockFile, "utf8")).pid).toBe(process.pid);
    await lock.release();
  });

  it("takes over a lock whose pid now belongs to a process that started later", async () => {
    const reused = { pid: process.pid, host: hostname(), startTicks: 1, operation: "synth", lockedAt: "2026-01-01T00:00:00.000Z" };
    await writeFile(join(dir, ".clusters.lock"), JSON.stringify(reused));
    const lock = await acquireLock(guarded, { operation: "synth", waitMs: 0 });
    await lock.release();
  });

  it("takes over a lock file that is not flotilla's (empty after a full disk)", async () => {
    await writeFile(join(dir, ".clusters.lock"), "");
    const lock = await acquireLock(guarded, { operation: "synth", waitMs: 0 });
    await lock.release();
  });

  it("does not remove a lock that another process took after this one's was broken", async () => {
    const lock = await acquireLock(guarded, { operation: "synth" });
    await rm(lock.lockFile);
    const other = await acquireLock(guarded, { operation: "synth" });
    expect(await lock.isHeld()).toBe(false);
    await lock.release();
    expect(await other.isHeld()).toBe(true);
    await other.release();
  });

  it("lets exactly one of many processes in at a time, also when they start on a stale lock", async () => {
    await writeFile(join(dir, ".clusters.lock"), JSON.stringify({ pid: deadPid(), host: hostname(), operation: "synth", lockedAt: "" }));
    const counter = join(dir, "counter");
    await writeFile(counter, "0");
    // Each child increments the counter 5 times, reading and writing it with a pause in between.
    const script = `
      import { withLock } from ${JSON.stringify(built)};
      import { readFileSync, writeFileSync } from "node:fs";
      import { setTimeout as sleep } from "node:timers/promises";
      for (let i = 0; i < 5; i++) {
        await withLock(${JSON.stringify(guarded)}, { operation: "test", waitMs: 30000 }, async () => {
          const n = Number(readFileSync(${JSON.stringify(counter)}, "utf8"));
          await sleep(2);
          writeFileSync(${JSON.stringify(counter)}, String(n + 1));
        });
      }`;
    const children = Array.from({ length: 6 }, () => spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: "inherit" }));
    const codes = await Promise.all(children.map((child) => new Promise((done) => child.on("exit", done))));
    expect(codes).toEqual([0, 0, 0, 0, 0, 0]);
    expect(await readFile(counter, "utf8")).toBe("30");
    expect((await import("node:fs/promises").then((fs) => fs.readdir(dir))).sort()).toEqual(["counter"]);
  });

  it("releases the lock when the task fails", async () => {
    await expect(withLock(guarded, { operation: "synth" }, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    const again = await acquireLock(guarded, { operation: "synth", waitMs: 0 });
    await again.release();
  });
});
