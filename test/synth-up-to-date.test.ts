// `flotilla synth` with nothing changed answers from its stamp without running; every input the
// run read, and the tree it left, make the next synth run in full when they change.
import { spawnSync } from "node:child_process";
import { appendFile, cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { flotilla, repoRoot } from "./support/flotilla-cli.js";

let work: string;
let fleet: string;
let out: string;
let cache: string;

/** Printed by the fleet's dev.ts when it is imported: a synth that ran in full imported it. */
const IMPORTED = "flotilla-test: dev.ts imported";

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-up-to-date-"));
  fleet = join(work, "fleet");
  out = join(work, "clusters");
  cache = join(work, "cache");
  await cp(join(repoRoot, "apps/fleet/src/clusters"), fleet, { recursive: true });
  for (const dir of ["identity-outputs", "secrets", "images"]) await cp(join(repoRoot, "apps/fleet", dir), join(fleet, dir), { recursive: true });
  await appendFile(join(fleet, "dev.ts"), `console.error(${JSON.stringify(IMPORTED)});\n`);
  spawnSync("git", ["init", "-q", "-b", "main"], { cwd: work });
});
afterEach(async () => rm(work, { recursive: true, force: true }));

const synth = (...args: string[]) => flotilla(["synth", "--fleet", fleet, "--out", out, "--cache-dir", cache, ...args]);

/** A synth that answered from the stamp: exit 0, the up-to-date line, and no cluster file imported. */
function expectStamped(result: ReturnType<typeof synth>, line: string) {
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toBe(`${line}\n`);
  expect(result.stderr).not.toContain(IMPORTED);
}

function expectRan(result: ReturnType<typeof synth>) {
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toContain(IMPORTED);
  return result.stdout;
}

let upToDate: string;
beforeEach(() => {
  upToDate = `${out}/ is up to date (2 clusters); nothing written.`;
});

describe("synth's up-to-date stamp", () => {
  it("with nothing changed, the same command answers without running; --check and --no-cache have their own", async () => {
    expect(expectRan(synth())).toContain("Wrote");
    expectStamped(synth(), upToDate);
    // --check is another command line: it runs once, then it too is answered from its stamp.
    expect(expectRan(synth("--check"))).toBe(`${out}/ is up to date (2 clusters).\n`);
    expectStamped(synth("--check"), `${out}/ is up to date (2 clusters).`);
    // --no-cache trusts no cache, the stamp included.
    expect(expectRan(synth("--no-cache"))).toBe(`${upToDate}\n`);
  });

  it("an edit to any input makes the next synth run and get it right: cluster file, identity outputs, secret, image tags", async () => {
    expectRan(synth());
    await appendFile(join(fleet, "dev.ts"), "// a comment\n");
    expect(expectRan(synth())).toBe(`${upToDate}\n`);
    expectStamped(synth(), upToDate);

    const outputs = join(fleet, "identity-outputs", "dev.json");
    await writeFile(outputs, (await readFile(outputs, "utf8")).replace("c11e0000-0000-4000-8000-100000000001", "c11e0000-0000-4000-8000-1000000000ff"));
    expect(expectRan(synth())).toMatch(/1 drifted.*\n.*serviceaccount_analytics-dev_analytics-runner/);
    expect(await readFile(join(out, "dev", "infrastructure", "serviceaccount_analytics-dev_analytics-runner.yaml"), "utf8")).toContain("1000000000ff");
    expectStamped(synth(), upToDate);

    // A secret is copied byte for byte: a new byte in its file is a new tree.
    await appendFile(join(fleet, "secrets", "dev", "argo", "argo-db.sops.yaml"), "\n");
    expect(expectRan(synth())).toMatch(/1 drifted.*\n.*secret_argo_argo-db\.sops\.yaml/);
    expectStamped(synth(), upToDate);

    const images = join(fleet, "images", "dev", "images.yaml");
    await writeFile(images, (await readFile(images, "utf8")).replace("metaflow_metadata_service:v2.4.13", "metaflow_metadata_service:v2.4.14"));
    expect(expectRan(synth())).toMatch(/drifted .*helmrelease_flux-system_metaflow\.yaml/);
    expectStamped(synth(), upToDate);
  });

  it("a changed tree makes the next synth run: a hand edit, a removed file and a stale generated file are repaired", async () => {
    expectRan(synth());
    const kustomization = join(out, "dev", "kustomization.yaml");
    const committed = await readFile(kustomization, "utf8");
    await writeFile(kustomization, `${committed}# hand edit\n`);
    expect(expectRan(synth())).toContain("1 drifted, 0 missing, 0 stale");
    expect(await readFile(kustomization, "utf8")).toBe(committed);
    expectStamped(synth(), upToDate);

    await rm(kustomization);
    expect(expectRan(synth())).toContain("0 drifted, 1 missing, 0 stale");
    const stale = join(out, "dev", "infrastructure", "namespace_gone.yaml");
    await writeFile(stale, (await readFile(join(out, "dev", "infrastructure", "namespace_argo.yaml"), "utf8")).replaceAll("argo", "gone"));
    expect(expectRan(synth())).toContain("0 drifted, 0 missing, 1 stale");
    expectStamped(synth(), upToDate);

    // A file flotilla did not write is part of the tree's state too (it may block a write).
    await writeFile(join(out, "dev", "notes.txt"), "mine\n");
    expect(expectRan(synth())).toBe(`${upToDate}\n`);
    expectStamped(synth(), upToDate);
  });

  it("a synth that warns of pending identities is not stamped: the next one warns again", async () => {
    await rm(join(fleet, "identity-outputs", "dev.json"));
    for (let run = 0; run < 2; run++) {
      const result = synth();
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(IMPORTED);
      expect(result.stderr).toMatch(/pending identit/);
    }
  });

  it("a synth that fails writes no stamp; with the input restored, the earlier stamp holds again", async () => {
    expectRan(synth());
    const dev = join(fleet, "dev.ts");
    const source = await readFile(dev, "utf8");
    await writeFile(dev, source.replace('name: "dev"', 'name: "Dev"'));
    for (let run = 0; run < 2; run++) {
      const failed = synth();
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain(IMPORTED);
    }
    await writeFile(dev, source);
    expectStamped(synth(), upToDate);
  });
});
