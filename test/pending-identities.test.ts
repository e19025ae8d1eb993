/**
 * Review before Azure changes (issue 13.5), through the built CLI as a pull request goes: a change
 * that adds an identity is synthesised and diffed before bootstrap apply, its ServiceAccount waits
 * for the identity with no client ID, `synth --check` and `validate` block the merge naming it;
 * after `bootstrap apply` (the built CLI, DefaultAzureCredential through a fake `az`, against the
 * local ARM server) synth renders the client ID Azure assigned and every check passes.
 */
import { spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { parseIdentityOutputs } from "@flotilla/workload-identity";
import type { ArmServer } from "./support/arm-server/index.js";
import { bootstrapProcess, caFile, fakeAzureCli } from "./support/bootstrap-cli.js";
import { clusterWith, planOf, startServerFor } from "./support/bootstrap-harness.js";
import { validCluster } from "./support/fixture-fleet.js";
import { flotilla, repoRoot } from "./support/flotilla-cli.js";

const TOKEN = "flotilla-pending-test-token-3kQ9";
const CONTAINER = { storageContainer: { account: "stdevdata", container: "raw" } };
const SERVICE_ACCOUNT = "clusters/dev/infrastructure/serviceaccount_analytics_runner.yaml";

const dirs: string[] = [];
const servers: ArmServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** A fleet repository of its own: `fleet/` (cluster files, identity-outputs/) and the rendered `clusters/`. */
async function repository() {
  const work = await tempDir("flotilla-pending-");
  const git = (...args: string[]) => {
    const result = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: work, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  };
  git("init", "-q", "-b", "main");
  const cli = (...args: string[]) => flotilla(args, { cwd: work, env: { NO_COLOR: "" } });
  return {
    work,
    git,
    synth: (...args: string[]) => cli("synth", "--fleet", "fleet", "--out", "clusters", "--cache-dir", "cache", ...args),
    // About identities: the values-effect check (a render per value of each release, cold here) is left out.
    validate: () => cli("validate", "--tree", "clusters", "--fleet", "fleet", "--cache-dir", "cache", "--no-values-effect"),
    diff: (...args: string[]) => cli("diff", "--tree", "clusters", "--base", "main", ...args),
  };
}

const annotations = (yaml: string) => (parse(yaml.replace(/^#.*\n/gm, "")) as { metadata: { annotations: Record<string, string> } }).metadata.annotations;

describe("a pull request that adds an identity (issue 13.5)", () => {
  it("is reviewable before bootstrap apply, blocked until it ran, and gets the client ID Azure assigned after it", async () => {
    const repo = await repository();
    const cluster = clusterWith("dev", [{ name: "analytics", serviceAccounts: [{ namespace: "analytics", name: "runner" }], roles: [{ role: "Storage Blob Data Reader", scope: CONTAINER }] }]);
    const fleet = join(repo.work, "fleet");
    const outputsDir = join(fleet, "identity-outputs");
    const writeCluster = (exported: unknown) => writeFile(join(fleet, "dev.mjs"), `export default ${JSON.stringify(exported, null, 2)};\n`);

    // main: the cluster without the identity.
    await mkdir(outputsDir, { recursive: true });
    await writeCluster({ ...validCluster("dev"), namespaces: [{ name: "analytics" }] });
    expect(repo.synth().code).toBe(0);
    repo.git("add", "-A");
    repo.git("commit", "-q", "-m", "dev without identities");
    repo.git("checkout", "-q", "-b", "add-identity");

    // The author adds the identity and runs synth: written for review, exit 0, the pending identity named on stderr.
    await writeCluster(cluster);
    const synth = repo.synth();
    expect(synth.code, synth.stderr).toBe(0);
    expect(synth.stdout).toMatch(/^Wrote \S*clusters\/ \(1 clusters\)\.$/m);
    expect(synth.stdout).not.toMatch(/pending identit|warning/);
    expect(synth.stderr).toMatch(/^warning: \S*fleet\/dev\.\w+: identities\[0\]: identity "analytics" of cluster dev is pending \(\S*fleet\/identity-outputs\/dev\.json has no identities\.analytics: bootstrap apply has not created it\).*ServiceAccounts analytics\/runner .*without a client ID.*run `pnpm bootstrap apply --cluster dev`/m);
    expect(synth.stderr).toMatch(/^warning: 1 pending identity: .*`pnpm synth --check` and `pnpm validate` fail until bootstrap apply has run\.$/m);
    const pendingAccount = await readFile(join(repo.work, SERVICE_ACCOUNT), "utf8");
    expect(annotations(pendingAccount)).toEqual({ "flotilla.dev/pending-identity": "analytics", "azure.workload.identity/tenant-id": cluster.azure.tenantId });

    // CI: the tree is what the fleet renders, yet --check and validate fail, naming the identity.
    const check = repo.synth("--check");
    expect(check.code).toBe(1);
    expect(check.stdout).toBe("");
    expect(check.stderr).toMatch(/^\S*fleet\/dev\.\w+: identities\[0\]: identity "analytics" of cluster dev is pending \(\S*fleet\/identity-outputs\/dev\.json has no identities\.analytics/m);
    expect(check.stderr).not.toMatch(/drifted|missing|stale/);
    expect(check.stderr).toMatch(/1 pending identity: \S*clusters\/ is not ready to merge until bootstrap apply has created it\./);
    const validate = repo.validate();
    expect(validate.code).toBe(1);
    const problems = validate.stderr.split("\n").filter((line) => line !== "" && !/^\d+ problem\(s\)/.test(line));
    expect(problems).toEqual([expect.stringMatching(/^\S*fleet\/dev\.\w+: identities\[0\]: identity "analytics" of cluster dev is pending \(\S*fleet\/identity-outputs\/dev\.json has no identities\.analytics: .* \[pending-identity\]$/)]);

    // The diff comment shows the pending identity before anything else.
    const diff = repo.diff("--format", "json");
    expect(diff.code, diff.stderr).toBe(0);
    expect((JSON.parse(diff.stdout) as { pending: unknown }).pending).toEqual([{ cluster: "dev", identity: "analytics", objects: ["ServiceAccount analytics/runner"] }]);
    const markdown = repo.diff("--format", "markdown").stdout;
    expect(markdown.indexOf("1 pending identity: not ready to merge")).toBeGreaterThan(0);
    expect(markdown.indexOf("1 pending identity: not ready to merge")).toBeLessThan(markdown.indexOf("1 of 1 cluster(s) affected"));
    expect(markdown).toMatch(/cluster `dev`: identity \*\*`analytics`\*\* \(ServiceAccount analytics\/runner\)/);
    expect(repo.diff().stdout).toMatch(/^ {2}! cluster dev: identity analytics: ServiceAccount analytics\/runner$/m);

    // bootstrap apply (the built CLI) creates the identity and writes the outputs synth reads.
    const server = await startServerFor(planOf(cluster), { acceptToken: (token) => token === TOKEN });
    servers.push(server);
    const az = await fakeAzureCli(TOKEN);
    dirs.push(az.binDir);
    const ca = await caFile(server);
    dirs.push(dirname(ca));
    const home = await tempDir("flotilla-home-");
    const env = { PATH: `${az.binDir}:${dirname(process.execPath)}:/usr/bin:/bin`, HOME: home, AZURE_TOKEN_CREDENTIALS: "dev", FLOTILLA_ARM_ENDPOINT: server.url };
    const apply = await bootstrapProcess(["apply", "--fleet", fleet, "--outputs-dir", outputsDir, "--ca", ca, "--yes"], env);
    expect(apply.code, apply.stderr).toBe(0);
    const outputsFile = join(outputsDir, "dev.json");
    const outputs = parseIdentityOutputs(await readFile(outputsFile, "utf8"), outputsFile);
    if (!outputs.ok) throw new Error(JSON.stringify(outputs.problems));
    const assigned = server.state.listIdentities().find((identity) => identity.name === "id-dev-analytics")!.clientId;
    expect(outputs.outputs.identities.analytics!.clientId).toBe(assigned);

    // synth again: the client ID Azure assigned, no warning; every check passes.
    const after = repo.synth();
    expect(after.code).toBe(0);
    expect(after.stderr).toBe("");
    expect(after.stdout).toMatch(/drifted \S*clusters\/dev\/infrastructure\/serviceaccount_analytics_runner\.yaml/);
    expect(annotations(await readFile(join(repo.work, SERVICE_ACCOUNT), "utf8"))).toEqual({ "azure.workload.identity/client-id": assigned, "azure.workload.identity/tenant-id": cluster.azure.tenantId });
    const passed = repo.synth("--check");
    expect(passed.stderr).toBe("");
    expect(passed.code).toBe(0);
    const valid = repo.validate();
    expect(valid.stderr).toBe("");
    expect(valid.code).toBe(0);
    expect((JSON.parse(repo.diff("--format", "json").stdout) as { pending: unknown }).pending).toEqual([]);
  });

  it("platform identities pending on the example fleet: the checks over what the cluster would run report only the pending identities, and a client ID set by hand is caught", async () => {
    const repo = await repository();
    const fleet = join(repo.work, "fleet");
    for (const [from, to] of [["apps/fleet/src/clusters", ""], ["apps/fleet/identity-outputs", "identity-outputs"], ["apps/fleet/secrets", "secrets"], ["apps/fleet/images", "images"]] as const) {
      await cp(join(repoRoot, from), join(fleet, to), { recursive: true });
    }
    // Chart ServiceAccounts (argo-workflows, flyte-tasks) and a Flux controller's wait for bootstrap apply.
    const outputsFile = join(fleet, "identity-outputs/dev.json");
    const outputs = JSON.parse(await readFile(outputsFile, "utf8")) as { identities: Record<string, unknown> };
    for (const key of ["argo-workflows", "flyte-tasks", "flux-source-controller"]) delete outputs.identities[key];
    await writeFile(outputsFile, `${JSON.stringify(outputs, null, 2)}\n`);

    const synth = repo.synth();
    expect(synth.code, synth.stderr).toBe(0);
    expect(synth.stderr.match(/^warning: .* is pending /gm)).toHaveLength(3);
    const tree = join(repo.work, "clusters/dev");
    const argo = await readFile(join(tree, "platform-argo-workflows/helmrelease_flux-system_argo-workflows.yaml"), "utf8");
    expect(argo).toContain("flotilla.dev/pending-identities: argo-workflows");
    expect(argo).not.toContain("azure.workload.identity/client-id");
    const patches = await readFile(join(tree, "flux-system-patches/kustomization.yaml"), "utf8");
    expect(patches).toContain('flotilla.dev/pending-identity: "flux-source-controller"');

    const validate = repo.validate();
    expect(validate.code).toBe(1);
    const problems = validate.stderr.split("\n").filter((line) => line !== "" && !/^\d+ problem\(s\)/.test(line));
    expect(problems.map((line) => /identities(?:\.|\[")([\w-]+).* \[(\S+)\]$/.exec(line)?.slice(1))).toEqual([
      ["argo-workflows", "pending-identity"],
      ["flux-source-controller", "pending-identity"],
      ["flyte-tasks", "pending-identity"],
    ]);

    // Someone "fixes" the blocked pull request with a made-up client ID: the rendered ServiceAccount is caught.
    const made = "00000000-0000-4000-8000-000000000bad";
    await writeFile(join(tree, "platform-argo-workflows/helmrelease_flux-system_argo-workflows.yaml"), argo.replaceAll("flotilla.dev/pending-identity: argo-workflows", `azure.workload.identity/client-id: ${made}`));
    const caught = repo.validate();
    expect(caught.code).toBe(1);
    expect(caught.stderr).toMatch(new RegExp(`ServiceAccount argo/argo-workflow .*carries client ID ${made}, but its identity argo-workflows has no identity outputs yet`));
  }, 600_000); // synth renders every release of the fleet's copy with Helm, cold
});
