import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireLock } from "@flotilla/lock";
import { readTreeFiles } from "@flotilla/render";
import { writeGeneratedFleet } from "../apps/fleet/src/bench/generated-fleet.js";

const main = fileURLToPath(new URL("../apps/fleet/dist/bundle/flotilla.js", import.meta.url));
let work: string;
let fleet: string;
let out: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function synth(env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(process.execPath, [main, "synth", "--fleet", fleet, "--out", out, "--cache-dir", join(work, "cache")], { env: { ...process.env, ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  return new Promise((done) => child.on("close", (code) => done({ code, stdout, stderr })));
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-concurrent-"));
  fleet = join(work, "fleet");
  out = join(work, "clusters");
  await writeGeneratedFleet(fleet, 40);
});
afterAll(async () => rm(work, { recursive: true, force: true }));

describe("two synths at once", () => {
  it("write one after the other: both succeed and the tree is whole, every time", async () => {
    const first = await synth();
    expect(first.code, first.stderr).toBe(0);
    const expected = await readTreeFiles(out);
    expect(expected.size).toBeGreaterThan(300);
    for (let trial = 1; trial <= 4; trial++) {
      // The reproduction: something to write (two root kustomization.yaml files gone), two runs 20 ms apart.
      await rm(join(out, "cluster-001", "kustomization.yaml"));
      await rm(join(out, "cluster-002", "kustomization.yaml"));
      const runs = [synth()];
      await new Promise((wait) => setTimeout(wait, 20));
      runs.push(synth());
      const results = await Promise.all(runs);
      for (const result of results) expect(result.code, `trial ${trial}: ${result.stderr}`).toBe(0);
      const tree = await readTreeFiles(out);
      expect([...tree.keys()], `trial ${trial}`).toEqual([...expected.keys()]);
      for (const [path, content] of expected) expect(tree.get(path), `trial ${trial}: ${path}`).toBe(content);
    }
    // The first synth renders every HelmRelease of the 40 clusters (three platforms each) with Helm: cold, minutes on a busy machine.
  }, 900_000);

  it("a synth that cannot get the lock in time refuses with the holder's pid and start time, exit 2, tree unchanged", async () => {
    await rm(join(out, "cluster-003", "kustomization.yaml"));
    const before = await readTreeFiles(out);
    const lock = await acquireLock(out, { operation: "secret set" });
    try {
      const result = await synth({ FLOTILLA_LOCK_WAIT_SECONDS: "0.5" });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`secret set, pid ${process.pid}`);
      expect(result.stderr).toMatch(/since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
      expect(result.stderr).toContain(".clusters.lock");
      expect(result.stderr.split("\n").filter(Boolean).length).toBeLessThanOrEqual(2);
      expect(result.stdout).toBe("");
    } finally {
      await lock.release();
    }
    expect(await readTreeFiles(out)).toEqual(before);
  });
});
