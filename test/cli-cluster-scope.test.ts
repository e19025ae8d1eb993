// `--cluster <name>…` of synth, validate and diff, as users type it with the built CLI: only the
// named clusters are rendered, checked or compared; the others' trees are left as they are.
import { spawnSync } from "node:child_process";
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { flotilla, repoRoot } from "./support/flotilla-cli.js";

let work: string;
let fleet: string;
let out: string;
let cache: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-scope-"));
  fleet = join(work, "fleet");
  out = join(work, "clusters");
  cache = join(work, "cache");
  await cp(join(repoRoot, "apps/fleet/src/clusters"), fleet, { recursive: true });
  for (const input of ["identity-outputs", "secrets", "images"]) await cp(join(repoRoot, "apps/fleet", input), join(fleet, input), { recursive: true });
  git("init", "-q", "-b", "main");
});
afterEach(async () => rm(work, { recursive: true, force: true }));

const git = (...args: string[]) => spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: work, encoding: "utf8" });
const synth = (...args: string[]) => flotilla(["synth", "--fleet", fleet, "--out", out, "--cache-dir", cache, ...args]);
// About the scope: the values-effect check (a render per value when cold) is left out.
const validate = (...args: string[]) => flotilla(["validate", "--fleet", fleet, "--tree", out, "--cache-dir", join(repoRoot, "node_modules/.cache/flotilla"), "--no-values-effect", ...args]);
const diff = (...args: string[]) => flotilla(["diff", "--tree", out, "--no-render", ...args], { cwd: work });

/** A generated file of prod edited by hand (drift), and the tree of a cluster the fleet no longer has (stale). */
async function disturbOtherClusters(): Promise<{ edited: string; editedContent: string }> {
  const edited = join(out, "prod", "kustomization.yaml");
  const editedContent = `${await readFile(edited, "utf8")}# edited by hand\n`;
  await writeFile(edited, editedContent);
  await cp(join(out, "dev"), join(out, "ghost"), { recursive: true });
  return { edited, editedContent };
}

describe("--cluster", () => {
  it("synth --cluster renders and writes only those trees: the others' drift and stale trees are left as they are", async () => {
    expect(synth().code).toBe(0);
    const { edited, editedContent } = await disturbOtherClusters();
    await rm(join(out, "dev", "kustomization.yaml"));

    const scoped = synth("--cluster", "dev");
    expect(scoped.code, scoped.stderr).toBe(0);
    expect(scoped.stderr).toBe("");
    expect(scoped.stdout).toMatch(/missing .*dev\/kustomization\.yaml/);
    expect(scoped.stdout).not.toMatch(/prod\/|ghost\//);
    expect(scoped.stdout).toMatch(/\(1 clusters\)\.$/m);
    expect(await readdir(join(out, "dev"))).toContain("kustomization.yaml");
    expect(await readFile(edited, "utf8")).toBe(editedContent);
    expect(await readdir(out)).toContain("ghost");

    // The whole fleet again: prod's edit is drift, ghost/ is stale and removed.
    const whole = synth();
    expect(whole.code).toBe(0);
    expect(whole.stdout).toMatch(/drifted .*prod\/kustomization\.yaml/);
    expect(whole.stdout).toMatch(/stale .*ghost\//);
    expect((await readdir(out)).sort()).toEqual(["dev", "prod"]);
  });

  it("synth --check --cluster checks only those clusters; --cluster a,b and repeated --cluster add up", async () => {
    expect(synth().code).toBe(0);
    await disturbOtherClusters();
    const dev = synth("--check", "--cluster", "dev");
    expect(dev.code, dev.stderr).toBe(0);
    expect(dev.stdout).toMatch(/is up to date \(1 clusters\)\.\n$/);
    const prod = synth("--check", "--cluster", "prod");
    expect(prod.code).toBe(1);
    expect(prod.stderr).toMatch(/drifted .*prod\/kustomization\.yaml/);
    expect(prod.stderr).not.toContain("ghost/");
    for (const both of [["--cluster", "dev,prod"], ["--cluster", "dev", "--cluster", "prod"]]) {
      const result = synth("--check", ...both);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^1 drifted, 0 missing, 0 stale:/m);
    }
  });

  it("an unknown cluster is one line on stderr naming the fleet's clusters, exit 2, for synth, validate and diff", async () => {
    expect(synth().code).toBe(0);
    git("add", "clusters");
    git("commit", "-q", "-m", "rendered");
    const before = await readdir(out);
    for (const [command, run, known] of [
      ["synth", () => synth("--cluster", "dev,nope"), "the fleet has: dev, prod"],
      ["validate", () => validate("--cluster", "nope"), "the fleet has: dev, prod"],
      ["diff", () => diff("--cluster", "nope"), "the tree has: dev, prod"],
    ] as const) {
      const result = run();
      expect(result.code, `${command}: ${result.stderr}`).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toBe(`${command}: unknown cluster(s) nope; ${known}\n`);
    }
    expect(await readdir(out)).toEqual(before);
  });

  it("validate --cluster checks only those clusters' trees", async () => {
    expect(synth().code).toBe(0);
    await rm(join(out, "prod", "kustomization.yaml"));
    const dev = validate("--cluster", "dev");
    expect(dev.code, dev.stderr).toBe(0);
    expect(dev.stdout).toMatch(/is valid \(1 cluster\(s\), /);
    const prod = validate("--cluster", "prod");
    expect(prod.code).toBe(1);
    expect(prod.stderr).toContain("prod/kustomization.yaml");
    expect(prod.stderr).not.toMatch(/^dev\//m);
  });

  it("diff --cluster compares only those clusters (of either side)", async () => {
    expect(synth().code).toBe(0);
    git("add", "clusters");
    git("commit", "-q", "-m", "rendered");
    await rm(join(out, "prod"), { recursive: true });
    const dev = diff("--cluster", "dev", "--format", "json", "--exit-code");
    expect(dev.code, dev.stderr).toBe(0);
    expect(JSON.parse(dev.stdout)).toMatchObject({ clusters: [], unaffected: ["dev"] });
    // prod exists only at the base: still a cluster of the diff.
    const prod = diff("--cluster", "prod", "--format", "json", "--exit-code");
    expect(prod.code).toBe(1);
    expect((JSON.parse(prod.stdout) as { clusters: { name: string }[] }).clusters.map((c) => c.name)).toEqual(["prod"]);
  });
});
