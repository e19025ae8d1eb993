import * as fs from "node:fs";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { readdir, readFile, rm, stat } from "node:fs/promises";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { observe } from "../src/up-to-date/observe.js";
import { traceReads } from "../src/up-to-date/read-trace.js";
import { notInputs } from "../src/up-to-date/stamp.js";

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-read-trace-"));
  mkdirSync(join(work, "in", "sub"), { recursive: true });
  writeFileSync(join(work, "in", "a.txt"), "alpha");
  writeFileSync(join(work, "in", "sub", "b.txt"), "beta");
});
afterEach(async () => rm(work, { recursive: true, force: true }));

const none = () => false;

describe("traceReads", () => {
  it("records what named imports of node:fs and node:fs/promises read, each with the value observe() gives it again", async () => {
    const trace = traceReads(none);
    expect(readFileSync(join(work, "in", "a.txt"), "utf8")).toBe("alpha");
    expect(await readFile(join(work, "in", "sub", "b.txt"))).toEqual(Buffer.from("beta"));
    expect(readdirSync(join(work, "in")).sort()).toEqual(["a.txt", "sub"]);
    expect((await readdir(join(work, "in"), { recursive: true, withFileTypes: true })).length).toBe(3);
    expect(existsSync(join(work, "missing"))).toBe(false);
    expect(statSync(join(work, "in", "a.txt")).size).toBe(5);
    await expect(stat(join(work, "gone"))).rejects.toThrow(/ENOENT/);
    expect(() => readFileSync(join(work, "nothing.txt"))).toThrow(/ENOENT/);
    const observations = trace.stop();
    expect(observations).toBeDefined();
    expect(observations!.map(([kind, path]) => `${kind} ${path.slice(work.length)}`).sort()).toEqual([
      "dir /in",
      "exists /missing",
      "file /in/a.txt",
      "file /in/sub/b.txt",
      "file /nothing.txt",
      "stat /gone",
      "stat /in/a.txt",
      "tree /in",
    ]);
    for (const [kind, path, value] of observations!) expect(observe(kind, path, none), `${kind} ${path}`).toBe(value);
  });

  it("stops recording and restores the functions", () => {
    const original = fs.readFileSync;
    const trace = traceReads(none);
    expect(fs.readFileSync).not.toBe(original);
    trace.stop();
    expect(fs.readFileSync).toBe(original);
    const after = traceReads(none);
    readFileSync(join(work, "in", "a.txt"));
    after.stop();
    expect(traceReads(none).stop()).toEqual([]);
  });

  it("a change between two reads, or a read it cannot ask again, leaves nothing to stamp", () => {
    const changed = traceReads(none);
    readFileSync(join(work, "in", "a.txt"));
    writeFileSync(join(work, "in", "a.txt"), "ALPHA");
    readFileSync(join(work, "in", "a.txt"));
    expect(changed.stop()).toBeUndefined();

    const descriptor = traceReads(none);
    const fd = fs.openSync(join(work, "in", "a.txt"), "r");
    try {
      readFileSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    expect(descriptor.stop()).toBeUndefined();
  });

  it("leaves out what synth writes: the tree, the cache, the lock and staging entries beside them, and /proc", () => {
    const out = join(work, "clusters");
    const cache = join(work, "cache");
    mkdirSync(join(out, "dev"), { recursive: true });
    writeFileSync(join(out, "dev", "x.yaml"), "x");
    writeFileSync(join(work, ".clusters.lock"), "held");
    const excluded = notInputs([out, cache]);
    const trace = traceReads(excluded);
    readFileSync(join(out, "dev", "x.yaml"));
    readFileSync(join(work, ".clusters.lock"));
    existsSync(join(cache, "rendered-objects.json"));
    readFileSync("/proc/self/stat");
    const listing = readdirSync(work);
    expect(listing).toContain(".clusters.lock");
    const observations = trace.stop()!;
    expect(observations.map(([kind, path]) => `${kind} ${path}`)).toEqual([`dir ${work}`]);
    // The listing of the tree's parent does not count the lock: it is gone once synth ends.
    fs.rmSync(join(work, ".clusters.lock"));
    expect(observe("dir", work, excluded)).toBe(observations[0]![2]);
  });
});
