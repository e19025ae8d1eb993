// The flotilla CLI as users type it: version, exit codes, clean stdout, cluster files read from
// source (add, rename, delete at once) and sandboxed in time (hangs, live timers, process.exit).
import { spawnSync } from "node:child_process";
import { cp, mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { validCluster } from "./support/fixture-fleet.js";
import { flotilla, repoRoot } from "./support/flotilla-cli.js";

let work: string;
let fleet: string;
let out: string;
let cache: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-cli-"));
  fleet = join(work, "fleet");
  out = join(work, "clusters");
  cache = join(work, "cache");
  await cp(join(repoRoot, "apps/fleet/src/clusters"), fleet, { recursive: true });
  await cp(join(repoRoot, "apps/fleet/identity-outputs"), join(fleet, "identity-outputs"), { recursive: true });
  await cp(join(repoRoot, "apps/fleet/secrets"), join(fleet, "secrets"), { recursive: true });
  await cp(join(repoRoot, "apps/fleet/images"), join(fleet, "images"), { recursive: true });
  // The fleet lives in a repository of its own (Flux updates its image tags there).
  git("init", "-q", "-b", "main");
});

const git = (...args: string[]) => spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: work, encoding: "utf8" });
afterEach(async () => rm(work, { recursive: true, force: true }));

/** Cluster files outside the repository import defineCluster by its absolute path. */
async function clusterFile(name: string, body: string): Promise<void> {
  await writeFile(join(fleet, `${name}.ts`), body);
}
const synth = (...args: string[]) => flotilla(["synth", "--fleet", fleet, "--out", out, "--cache-dir", cache, ...args]);

describe("flotilla conventions", () => {
  it("--version prints one line on stdout and exits 0; a usage error exits 2 with the message on stderr only", () => {
    const version = flotilla(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^flotilla \d+\.\d+\.\d+\n$/);
    const usage = flotilla(["synth", "--no-such-flag"]);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe("");
    expect(usage.stderr).toContain("unknown option '--no-such-flag'");
    expect(flotilla(["no-such-command"]).code).toBe(2);
    expect(flotilla(["bootstrap", "plan", "--offline", "--cluster", "nope"]).code).toBe(2);
  });

  it("synth exits 0 when written or up to date, 1 on drift with --check (stdout holds only the result)", async () => {
    const first = synth();
    expect(first.code, first.stderr).toBe(0);
    expect(synth("--check").code).toBe(0);
    await rm(join(out, "dev", "kustomization.yaml"));
    const drift = synth("--check");
    expect(drift.code).toBe(1);
    expect(drift.stderr).toContain("missing");
  });

  it("relative paths resolve from the current directory", async () => {
    const result = flotilla(["synth", "--fleet", "fleet", "--out", "clusters", "--cache-dir", "cache"], { cwd: work });
    expect(result.code, result.stderr).toBe(0);
    expect((await readdir(join(work, "clusters"))).sort()).toEqual(["dev", "prod"]);
  });

  it("reads cluster files as they are: a new, renamed or deleted cluster takes effect at once; a deleted cluster's tree is removed as stale", async () => {
    expect(synth().code).toBe(0);
    const staging = { ...validCluster("staging", "00000000-0000-4000-8000-0000000000aa") };
    await clusterFile("staging", `export default ${JSON.stringify(staging)} as const;\n`);
    expect(synth().code).toBe(0);
    expect(await readdir(out)).toContain("staging");

    // Renaming the file without renaming the cluster is caught; renaming both moves the tree.
    await rename(join(fleet, "staging.ts"), join(fleet, "qa.ts"));
    const misnamed = synth();
    expect(misnamed.code).toBe(1);
    expect(misnamed.stderr).toMatch(/qa\.ts: name: .*staging/);
    await clusterFile("qa", `export default ${JSON.stringify({ ...staging, name: "qa" })};\n`);
    const renamed = synth();
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(renamed.stdout).toMatch(/stale\s+.*staging\//);
    expect((await readdir(out)).sort()).toEqual(["dev", "prod", "qa"]);

    await rm(join(fleet, "qa.ts"));
    const removed = synth();
    expect(removed.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(["dev", "prod"]);
  });

  it("a cluster file that hangs, leaves a timer running or calls process.exit fails the run naming the file; the others are still checked", async () => {
    await clusterFile("hangs", "await new Promise(() => setInterval(() => {}, 1000));\nexport default {};\n");
    await clusterFile("never", "await new Promise(() => {});\nexport default {};\n");
    await clusterFile("timer", `setInterval(() => {}, 1000);\nexport default ${JSON.stringify(validCluster("timer", "00000000-0000-4000-8000-0000000000bb"))};\n`);
    await clusterFile("exits", "process.exit(0);\nexport default {};\n");
    await clusterFile("throws", "const n: number = 1;\nif (n) throw new Error('boom');\nexport default {};\n");
    const started = Date.now();
    const result = flotilla(["synth", "--check", "--fleet", fleet, "--out", out, "--cache-dir", cache], { env: { FLOTILLA_IMPORT_TIMEOUT: "2" } });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/hangs\.ts: did not finish importing within 2 s/);
    expect(result.stderr).toMatch(/never\.ts: never finished importing: a top-level await/);
    expect(result.stderr).toMatch(/timer\.ts: left Timeout running after it was imported/);
    expect(result.stderr).toMatch(/exits\.ts: called process\.exit\(0\) while being imported/);
    expect(result.stderr).toMatch(/throws\.ts: could not be imported: boom \(at throws\.ts:2:/);
  });

  it("diff --format json pipes into a JSON parser; --exit-code exits 1 on changes; a bad ref exits 2", async () => {
    expect(synth().code).toBe(0);
    git("add", "clusters");
    git("commit", "-q", "-m", "rendered");
    const clean = flotilla(["diff", "--tree", out, "--format", "json", "--exit-code"], { cwd: work });
    expect(clean.code, clean.stderr).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ clusters: [] });
    await rm(join(out, "prod"), { recursive: true });
    const changed = flotilla(["diff", "--tree", out, "--format", "json", "--exit-code"], { cwd: work });
    expect(changed.code).toBe(1);
    expect((JSON.parse(changed.stdout) as { clusters: { name: string }[] }).clusters.map((c) => c.name)).toEqual(["prod"]);
    expect(flotilla(["diff", "--tree", out, "--base", "no-such-ref"], { cwd: work }).code).toBe(2);
  });

  it("pnpm scripts are thin aliases: `pnpm -s synth --check` prints only flotilla's output and keeps its exit code", () => {
    const result = spawnSync("pnpm", ["-s", "synth", "--check"], { cwd: repoRoot, encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe("clusters/ is up to date (2 clusters).\n");
  });
});
