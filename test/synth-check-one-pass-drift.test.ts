/**
 * One pass with --check and validate: a cluster file that does not load does not hide how the
 * tree of the other clusters drifted; a problem of no one cluster (a stray image tags file) lists
 * no drift, since it may change any tree. Through the built CLI, on a copy of the example fleet.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { copyExampleFleet, editFile } from "./support/example-fleet-copy.js";
import { validateCli } from "./support/review-cli.js";
import { synthCli } from "./support/synth-cli.js";
import { tempDirs } from "./support/temp-dirs.js";

const temp = tempDirs();
const DRIFTED = "dev/platform-argo-workflows/helmrelease_flux-system_argo-workflows.yaml";

async function fleetWithDriftedDev() {
  const work = await temp("flotilla-check-drift-");
  const { fleet, out } = await copyExampleFleet(work);
  const cache = join(work, "cache");
  const synth = (...args: string[]) => synthCli("--fleet", fleet, "--out", out, "--cache-dir", cache, ...args);
  expect(synth().code).toBe(0);
  await editFile(join(out, DRIFTED), "interval: ", "interval: 9");
  return { work, fleet, out, cache, synth };
}

describe("--check and validate report drift alongside other clusters' problems", () => {
  it("prod's cluster file has a problem: its problem and dev's drifted file, in one run", async () => {
    const { work, fleet, out, cache, synth } = await fleetWithDriftedDev();
    await editFile(join(fleet, "prod.ts"), 'storage: { account: "stmlprodflyte"', 'storage: { account: "BAD"');
    const check = synth("--check");
    expect(check.code).toBe(1);
    expect(check.stdout).toBe("");
    expect(check.stderr).toMatch(/prod\.ts: platforms\.flyte\.storage\.account: a storage account name may contain only lowercase letters and digits/);
    expect(check.stderr.split("\n").filter((line) => /^ {2}(drifted|missing|stale|foreign) /.test(line))).toEqual([`  drifted ${join(out, DRIFTED)}`]);
    const validate = validateCli(work, "--fleet", fleet, "--tree", out, "--cache-dir", cache, "--no-values-effect");
    expect(validate.code).toBe(1);
    expect(validate.stderr.split("\n").filter((line) => line.endsWith("[generated]"))).toEqual([expect.stringMatching(new RegExp(`^${join(out, DRIFTED).replace(/[.]/g, "\\.")}: differs from what synth renders from the fleet`))]);
    expect(validate.stderr).toMatch(/Cluster\(s\) prod did not load/);
  }, 120_000);

  it("a problem of no one cluster: no drift is listed, as before", async () => {
    const { fleet, synth } = await fleetWithDriftedDev();
    await writeFile(join(fleet, "images", "staging.yaml"), "images: {}\n");
    const check = synth("--check");
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/images\/staging\.yaml/);
    expect(check.stderr).not.toMatch(/drifted/);
  }, 120_000);
});
