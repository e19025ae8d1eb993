/**
 * One synth run reports every problem of every cluster, whatever step finds it (cluster files,
 * identity outputs, Secret files and their keys, image values, the rendered objects' schemas),
 * each naming the file and the setting the user wrote; a problem a platform causes names the
 * platform's setting, not the entry it generates. validate too checks the clusters that load
 * while another cluster file does not. Driven through the built CLI.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadFleet } from "@flotilla/fleet";
import { PLATFORMS } from "@flotilla/platforms";
import { planIdentities, serializeIdentityOutputs } from "@flotilla/workload-identity";
import { ageKeygen } from "../packages/sops/test/support/age-cli.js";
import { validCluster } from "./support/fixture-fleet.js";
import { validateCli } from "./support/review-cli.js";
import { secretCli } from "./support/secret-cli.js";
import { repoRoot, synthCli } from "./support/synth-cli.js";
import { snapshotTree } from "./support/tree-snapshot.js";

let work: string;
let fleet: string;
let out: string;

beforeEach(async () => {
  // A repository (so the image tags directory and git.path are checked as in a real fleet) holding the fleet and clusters/.
  work = await mkdtemp(join(tmpdir(), "flotilla-one-pass-"));
  await mkdir(join(work, ".git"));
  fleet = join(work, "fleet");
  out = join(work, "clusters");
  await mkdir(fleet);
  await cp(join(repoRoot, "clusters"), out, { recursive: true });
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function writeClusters(modules: Record<string, unknown>): Promise<void> {
  for (const [name, exported] of Object.entries(modules)) await writeFile(join(fleet, `${name}.mjs`), `export default ${JSON.stringify(exported, null, 2)};\n`);
}

/** Identity outputs with made-up IDs for every planned identity of the clusters given. */
async function writeIdentityOutputs(modules: Record<string, unknown>): Promise<void> {
  const loaded = loadFleet(Object.entries(modules).map(([name, exported]) => ({ file: `${name}.mjs`, exported })), PLATFORMS);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  const { plan } = planIdentities(loaded.clusters.map((cluster) => cluster.spec), PLATFORMS);
  await mkdir(join(fleet, "identity-outputs"), { recursive: true });
  for (const cluster of plan.clusters) {
    const identities = Object.fromEntries(
      cluster.identities.map((identity, i) => {
        const id = `c11e0000-0000-4000-8000-${String(i + 1).padStart(12, "0")}`;
        return [identity.key, { clientId: id, principalId: id, resourceId: identity.resourceId }];
      }),
    );
    await writeFile(join(fleet, "identity-outputs", `${cluster.cluster}.json`), serializeIdentityOutputs({ cluster: cluster.cluster, tenantId: cluster.tenantId, identities }));
  }
}

function setSecret(cluster: string, secret: string, key: string): void {
  const set = secretCli(["--fleet", fleet, "set", cluster, secret, "--from-stdin", key], { input: "s3cret" });
  expect(set.stderr).toBe("");
  expect(set.code).toBe(0);
}

/** synth on the fleet: exits 1 and leaves clusters/ byte for byte as it was; returns stderr's lines. */
async function failingSynth(): Promise<string[]> {
  const before = await snapshotTree(out);
  const result = synthCli("--fleet", fleet, "--out", out);
  expect(result.stdout).toBe("");
  expect(result.code).toBe(1);
  expect(await snapshotTree(out)).toEqual(before);
  return result.stderr.trimEnd().split("\n");
}

describe("synth reports every problem of every cluster in one run", () => {
  it("identities, Secret files, Secret keys, values and schemas of two clusters, and a cluster file that does not load", async () => {
    const { recipient } = await ageKeygen();
    const alpha = {
      ...validCluster("alpha"),
      namespaces: [{ name: "team" }],
      sops: { age: [recipient] },
      secrets: [{ namespace: "team", name: "db", keys: ["password"] }],
      identities: [{ name: "runner", serviceAccounts: [{ namespace: "team", name: "runner" }], roles: [{ role: "AcrPull", scope: { containerRegistry: { name: "cralpha" } } }] }],
    };
    const beta = {
      ...validCluster("beta", "9c4e1d7b-3a2f-4b8e-a6d5-7f0c2e9b4a18"),
      namespaces: [{ name: "team" }],
      sops: { age: [recipient] },
      secrets: [{ namespace: "team", name: "api", keys: ["token", "url"] }],
      karpenter: { mode: "node-auto-provisioning" },
      // Karpenter's CRD (not the spec) refuses this schedule: only the schema check of the rendered NodePool finds it.
      nodePools: [{ name: "general", preset: "general", disruption: { budgets: [{ nodes: "1", schedule: "whenever", duration: "1h" }] } }],
      flux: {
        registry: { name: "crbeta" },
        images: [{ name: "runner", repository: "analytics/runner", semver: ">=1.0.0", automate: { values: [{ platform: "metaflow", path: "metaflow-service.imagee" }] } }],
      },
      platforms: {
        argoWorkflows: { storage: { account: "stbetaargo", container: "artifacts" }, database: { host: "psql-beta.postgres.database.azure.com" } },
        metaflow: { storage: { account: "stbetametaflow", container: "metaflow" }, database: { host: "psql-beta.postgres.database.azure.com" } },
      },
    };
    await writeClusters({ alpha, beta });
    await writeIdentityOutputs({ alpha, beta });
    // alpha's outputs file is cut short; alpha's Secret is missing; beta's lacks a key; beta's platforms' Secrets exist.
    await writeFile(join(fleet, "identity-outputs", "alpha.json"), '{ "cluster": "alpha", ');
    setSecret("beta", "team/api", "token");
    setSecret("beta", "argo/argo-db", "password");
    setSecret("beta", "metaflow/metaflow-db", "password");
    await mkdir(join(fleet, "images", "beta"), { recursive: true });
    await writeFile(join(fleet, "images", "beta", "images.yaml"), 'apiVersion: flotilla.dev/v1alpha1\nkind: ImageTags\nmetadata:\n  name: beta\nimages:\n  runner: crbeta.azurecr.io/analytics/runner:1.2.3 # {"$imagepolicy": "flux-system:runner"}\n');
    // A third cluster whose file does not load: reported, and its secrets directory is not called foreign.
    await writeClusters({ gamma: { ...validCluster("gamma", "5e0a7c3b-8d4f-4a61-b2e9-3c7d1f0a9b52"), git: { url: "git@github.com:contoso/ml-fleet.git" } } });
    await mkdir(join(fleet, "secrets", "gamma", "team"), { recursive: true });

    const lines = await failingSynth();
    const problem = (file: string, field: string) => lines.filter((line) => line.startsWith(`fleet/${file}: ${field}: `) || line.startsWith(`${join(fleet, file)}: ${field}: `));
    const text = lines.join("\n");
    // The cluster file that does not load.
    expect(problem("gamma.mjs", "git.url")).toHaveLength(1);
    expect(text).not.toMatch(/secrets\/gamma: .*not in the fleet/);
    // alpha: its identity outputs file, its missing Secret with the exact command.
    expect(text).toMatch(/identity-outputs\/alpha\.json: not valid JSON .*bootstrap apply/);
    expect(problem("alpha.mjs", "secrets[0]")).toEqual([expect.stringContaining("Secret team/db is required but")]);
    expect(problem("alpha.mjs", "secrets[0]")[0]).toContain("`pnpm secret set alpha team/db --from-stdin password`");
    // beta: a key missing from its Secret, a value the chart does not have, a schema error of a rendered object.
    expect(problem("beta.mjs", "secrets[0].keys")).toEqual([expect.stringContaining('Secret team/api has no key "url" (it has "token")')]);
    expect(problem("beta.mjs", "secrets[0].keys")[0]).toContain("`pnpm secret set beta team/api --from-stdin url`");
    expect(problem("beta.mjs", "flux.images[0].automate.values[0].path")).toEqual([expect.stringMatching(/"metaflow-service\.imagee" is not a value of metaflow 0\.1\.2 .*"imagee": unknown field \(did you mean "image"\?/)]);
    expect(problem("beta.mjs", "nodePools[0]")).toEqual([expect.stringMatching(/NodePool general \(.*clusters\/beta\/infrastructure\/nodepool_general\.yaml\) \.spec\.disruption\.budgets\[0\]\.schedule: must match the pattern .*"whenever"/)]);
    expect(lines.at(-3)).toBe("7 problems in 4 files");
    // beta's releases are rendered in the same run (what they would run has no problem); gamma's cannot be.
    expect(lines.at(-2)).toBe("gamma: its Helm releases are not rendered until its cluster file loads.");
    expect(lines.at(-1)).toMatch(/clusters\/ was not changed\.$/);
  });

  it("a Secret a platform reads names the platform setting, not an entry of secrets it generates; its hint gives every key", async () => {
    const { recipient } = await ageKeygen();
    const alpha = {
      ...validCluster("alpha"),
      namespaces: [{ name: "team" }],
      sops: { age: [recipient] },
      secrets: [{ namespace: "team", name: "db", keys: ["password"] }],
      platforms: {
        flyte: { storage: { account: "stalphaflyte", container: "flyte" }, database: { host: "psql-alpha.postgres.database.azure.com" } },
        argoWorkflows: { storage: { account: "stalphaargo", container: "artifacts" }, database: { host: "psql-alpha.postgres.database.azure.com" } },
      },
    };
    await writeClusters({ alpha });
    await writeIdentityOutputs({ alpha });
    setSecret("alpha", "team/db", "password");
    // Flyte's Secret exists without its key; Argo Workflows' is missing.
    setSecret("alpha", "flyte/flyte-db", "password");

    const lines = await failingSynth();
    const file = (line: string) => line.startsWith(`${join(fleet, "alpha.mjs")}: `) || line.startsWith("fleet/alpha.mjs: ");
    const problems = lines.filter(file).map((line) => line.slice(line.indexOf("alpha.mjs: ") + "alpha.mjs: ".length));
    expect(problems).toEqual([
      expect.stringMatching(/^platforms\.argoWorkflows\.database: Secret argo\/argo-db \(read by platforms\.argoWorkflows\) is required but .*secrets\/alpha\/argo\/argo-db\.sops\.yaml does not exist; create it with `pnpm secret set alpha argo\/argo-db --from-stdin password --from-file username=<file>`$/),
      expect.stringMatching(/^platforms\.flyte\.database: Secret flyte\/flyte-db \(read by platforms\.flyte\) has no key "pass\.txt" \(it has "password"\); add it .*`pnpm secret set alpha flyte\/flyte-db --from-stdin pass\.txt`$/),
    ]);
    expect(lines.join("\n")).not.toMatch(/secrets\[\d+\]/);
  });
});

describe("validate checks every cluster that loads in one run", () => {
  it("reports what synth would refuse: the example tree with no Secret files is not valid", async () => {
    const noSecrets = join(work, "no-secrets");
    await mkdir(noSecrets);
    const result = validateCli(repoRoot, "--secrets", noSecrets);
    expect(result.stdout).toBe("");
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    const missing = (cluster: string, field: string, secret: string) =>
      expect.stringMatching(new RegExp(`^apps/fleet/src/clusters/${cluster}\\.ts: ${field.replace(/[.[\]]/g, "\\$&")}: Secret ${secret}\\b.* is required but .* does not exist; create it with \`pnpm secret set ${cluster} ${secret} --from-stdin .*\` \\[fleet\\]$`));
    expect(lines).toEqual(
      expect.arrayContaining([
        missing("dev", "secrets[0]", "analytics-dev/warehouse-db"),
        missing("dev", "platforms.flyte.database", "flyte/flyte-db"),
        missing("prod", "platforms.metaflow.database", "metaflow/metaflow-db"),
      ]),
    );
    expect(lines.every((line) => !/secrets\[[2-9]\]/.test(line))).toBe(true);
  });

  it("a cluster file that does not load does not stop the identity checks of the others", async () => {
    const alpha = {
      ...validCluster("alpha"),
      namespaces: [{ name: "team" }],
      identities: [{ name: "runner", serviceAccounts: [{ namespace: "team", name: "runner" }], roles: [{ role: "AcrPull", scope: { containerRegistry: { name: "cralpha" } } }] }],
    };
    await writeClusters({ alpha });
    await writeIdentityOutputs({ alpha });
    // The tree of this fleet alone (git.path clusters/<name> of the repository).
    const tree = out;
    await rm(tree, { recursive: true, force: true });
    const synth = synthCli("--fleet", fleet, "--out", tree);
    expect(synth.stderr).toBe("");
    // The identity is re-created (a new client ID) and another cluster file is broken, both before synth runs again.
    const outputsFile = join(fleet, "identity-outputs", "alpha.json");
    const { readFile } = await import("node:fs/promises");
    await writeFile(outputsFile, (await readFile(outputsFile, "utf8")).replace(/"clientId": "[0-9a-f-]+"/, '"clientId": "c11e0000-0000-4000-8000-00000000beef"'));
    await writeClusters({ gamma: { ...validCluster("gamma", "5e0a7c3b-8d4f-4a61-b2e9-3c7d1f0a9b52"), git: { url: "git@github.com:contoso/ml-fleet.git" } } });

    const result = validateCli(repoRoot, "--tree", tree, "--fleet", fleet);
    expect(result.stdout).toBe("");
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines.filter((line) => line.endsWith("[fleet]"))).toEqual([expect.stringMatching(/gamma\.mjs: git\.url: .*ssh:\/\/git@github\.com\/contoso\/ml-fleet\.git.* \[fleet\]$/)]);
    expect(lines.filter((line) => line.endsWith("[identities]"))).toEqual([
      expect.stringMatching(/alpha\/infrastructure\/serviceaccount_team_runner\.yaml: ServiceAccount team\/runner: .*must be c11e0000-0000-4000-8000-00000000beef, the client ID of identity "runner" .*alpha\.json, but it has c11e0000-0000-4000-8000-000000000001; run `pnpm synth` \[identities\]$/),
    ]);
    // In the same run: alpha's tree is not what its fleet renders now (gamma's problem is its own).
    expect(lines.filter((line) => line.endsWith("[generated]"))).toEqual([expect.stringMatching(/alpha\/infrastructure\/serviceaccount_team_runner\.yaml: differs from what synth renders from the fleet/)]);
    expect(lines.at(-1)).toMatch(/^3 problem\(s\) \(1 cluster\(s\), .*\)\. Cluster\(s\) gamma did not load, so the tree was not checked against their definitions\.$/);
  });
});
