/**
 * One synth run reports what the clusters would run (every HelmRelease rendered with the real
 * Helm 4 and chart, then the release checks) alongside the fleet's other problems: a user fixing
 * a fleet gets no second round. Only the releases of a cluster that does not render are left out,
 * and synth says so; validate reports them with the fleet's problems as well. Driven through the
 * built CLI on a copy of the example fleet.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { copyExampleFleet, editFile } from "./support/example-fleet-copy.js";
import { validCluster } from "./support/fixture-fleet.js";
import { validateCli } from "./support/review-cli.js";
import { repoRoot, synthCli } from "./support/synth-cli.js";
import { snapshotTree } from "./support/tree-snapshot.js";

let work: string;
let fleet: string;
let out: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-one-pass-releases-"));
  ({ fleet, out } = await copyExampleFleet(work));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

/** synth on the fleet: exits 1, prints nothing on stdout and leaves clusters/ byte for byte as it was; returns stderr's lines. */
async function failingSynth(): Promise<string[]> {
  const before = await snapshotTree(out);
  const result = synthCli("--fleet", fleet, "--out", out);
  expect(result.stdout).toBe("");
  expect(result.code, result.stderr).toBe(1);
  expect(await snapshotTree(out)).toEqual(before);
  return result.stderr.trimEnd().split("\n");
}

describe("synth reports the problems of the releases with the fleet's other problems, in one run", () => {
  it("a missing Secret key and a release object another owner renders (dev), stale platform identity outputs (prod), a cluster file that does not load", async () => {
    // dev: its Secret lacks a key the cluster file now lists, and one of its identities names the
    // ServiceAccount the metaflow chart creates (so flotilla and the release would both own it).
    await editFile(join(fleet, "dev.ts"), 'keys: ["password", "username"] }', 'keys: ["password", "username", "port"] }');
    await editFile(
      join(fleet, "dev.ts"),
      'serviceAccounts: [{ namespace: "analytics-dev", name: "analytics-runner" }],',
      'serviceAccounts: [{ namespace: "analytics-dev", name: "analytics-runner" }, { namespace: "metaflow", name: "metaflow-service" }],',
    );
    // prod: the outputs of the Argo Workflows identity are for another resource group.
    await editFile(join(fleet, "identity-outputs", "prod.json"), "/resourceGroups/rg-ml-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-prod-argo-workflows", "/resourceGroups/rg-old/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-prod-argo-workflows");
    // gamma: a cluster file that does not load.
    await writeFile(join(fleet, "gamma.mjs"), `export default ${JSON.stringify({ ...validCluster("gamma", "5e0a7c3b-8d4f-4a61-b2e9-3c7d1f0a9b52"), git: { url: "git@github.com:contoso/ml-fleet.git" } })};\n`);

    const lines = await failingSynth();
    const at = (file: string, field: string) => lines.filter((line) => line.startsWith(`${join(fleet, file)}: ${field}: `));
    // The fleet's problems.
    expect(at("dev.ts", "secrets[0].keys")).toEqual([expect.stringContaining('Secret analytics-dev/warehouse-db has no key "port"')]);
    expect(at("gamma.mjs", "git.url")).toHaveLength(1);
    // The identity's outputs problem names the platform setting that caused the identity, then the outputs file's entry.
    expect(at("prod.ts", "platforms.argoWorkflows")).toEqual([
      expect.stringMatching(new RegExp(`^\\S+: platforms\\.argoWorkflows: ${join(fleet, "identity-outputs", "prod.json").replace(/[.]/g, "\\.")} identities\\["argo-workflows"\\]\\.resourceId: the outputs are for .*rg-old.* \\(stale outputs: .*\\); run \`pnpm bootstrap apply --cluster prod\``)),
    ]);
    // What dev would run, in the same run: cluster, HelmRelease, object, field, the cluster file and the setting to change.
    const releases = lines.filter((line) => /^(dev|prod): /.test(line));
    expect(releases).toEqual([
      `dev: HelmRelease flux-system/metaflow: ServiceAccount metaflow/metaflow-service: .metadata.name: the chart renders ServiceAccount metaflow/metaflow-service, which flotilla's tree also renders: helm-controller adopts an object that already exists, so both would own it, re-apply their own copies over each other, and removing it from either deletes it for both. In ${join(fleet, "dev.ts")}, stop rendering it yourself: identities[0].serviceAccounts[1] names a ServiceAccount the platform's chart creates; give the identity a ServiceAccount of its own [ownership]`,
    ]);
    expect(lines.slice(-3)).toEqual([
      "1 problem(s) in what the clusters would run (every HelmRelease rendered with the real Helm 4 as helm-controller installs it).",
      "gamma: its Helm releases are not rendered until its cluster file loads.",
      `${out}/ was not changed.`,
    ]);
    expect(lines).toContain("3 problems in 3 files");
  }, 180_000);

  it("validate reports them in the same run too: the fleet's problems and what synth would refuse in the releases of a cluster the tree does not have yet", async () => {
    await editFile(join(fleet, "dev.ts"), 'keys: ["password", "username"] }', 'keys: ["password", "username", "port"] }');
    // A new cluster, shaped like prod, with Argo Workflows in a team namespace (see synth-release-gate.test.ts).
    const prod = await readFile(join(fleet, "prod.ts"), "utf8");
    await writeFile(join(fleet, "stage.ts"), prod.replace('name: "prod",', 'name: "stage",').replace("9c4e1d7b-3a2f-4b8e-a6d5-7f0c2e9b4a18", "1a2b3c4d-3a2f-4b8e-a6d5-7f0c2e9b4a18"));
    await editFile(join(fleet, "stage.ts"), '      storage: { account: "stmlprodargo", container: "artifacts" },', '      storage: { account: "stmlprodargo", container: "artifacts" },\n      workflowNamespaces: ["analytics-prod"],');

    const result = validateCli(repoRoot, "--tree", out, "--fleet", fleet, "--cache-dir", join(work, "cache"), "--no-values-effect");
    expect(result.stdout).toBe("");
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split("\n");
    const fleetLines = lines.filter((line) => line.endsWith("[fleet]"));
    expect(fleetLines).toEqual(expect.arrayContaining([expect.stringMatching(/dev\.ts: secrets\[0\]\.keys: Secret analytics-dev\/warehouse-db has no key "port"/), expect.stringMatching(/stage\.ts: platforms\.argoWorkflows\.database: Secret argo\/argo-db .* is required/)]));
    // stage's releases are rendered from what synth would write; the tree, which has no stage/ yet, adds nothing of its own.
    expect(lines.filter((line) => line.startsWith("stage: "))).toEqual([
      expect.stringMatching(/^stage: HelmRelease flux-system\/argo-workflows: ServiceAccount argo\/argo-workflow: \.metadata\.annotations\["flotilla\.dev\/pending-identity"\]: ServiceAccount argo\/argo-workflow is given identity argo-workflows \(asked for by platforms\.argoWorkflows\), but no pod .* \[workload-identity\]$/),
      expect.stringMatching(/^stage: HelmRelease flux-system\/argo-workflows: ServiceAccount argo\/argo-workflow: \.metadata\.annotations\["flotilla\.dev\/pending-identity"\]: .*the identity plan federates it with no identity: In \S+stage\.ts, change platforms\.argoWorkflows so that the identity federates argo\/argo-workflow .* \[workload-identity\]$/),
    ]);
  }, 180_000);

  it("says how many releases of a cluster that does not render are left out, and why", async () => {
    // alpha asks for Argo Workflows and Metaflow, but its identity plan has a problem: it does not render.
    const alpha = {
      ...validCluster("alpha", "5e0a7c3b-8d4f-4a61-b2e9-3c7d1f0a9b52"),
      git: { url: "ssh://git@github.com/contoso/ml-fleet.git", path: "clusters/alpha" },
      identities: [{ name: "idle", roles: [] }],
      sops: { age: ["age1qcd9gd8rhpwsezw43s8yltsu357jw5yvlv9s5xa0x84vxh79hf0qc97mw9"] },
      platforms: {
        argoWorkflows: { storage: { account: "stalphaargo", container: "artifacts" }, database: { host: "psql-alpha.postgres.database.azure.com" } },
        metaflow: { storage: { account: "stalphametaflow", container: "metaflow" }, database: { host: "psql-alpha.postgres.database.azure.com" } },
      },
    };
    await writeFile(join(fleet, "alpha.mjs"), `export default ${JSON.stringify(alpha)};\n`);

    const lines = await failingSynth();
    expect(lines.filter((line) => line.startsWith(`${join(fleet, "alpha.mjs")}: identities[0]: `))).toEqual([expect.stringContaining('identity "idle" has no federated credentials')]);
    expect(lines.at(-2)).toBe(`alpha: 2 Helm releases not rendered until the problems of ${join(fleet, "alpha.mjs")} above are fixed.`);
    // dev and prod render, and what they would run has no problem.
    expect(lines.filter((line) => /^(dev|prod): /.test(line))).toEqual([]);
  }, 180_000);
});
