/**
 * The bootstrap CLI in-process (runCli: the same code as `pnpm bootstrap`, with a test credential
 * injected) against the local ARM server: what it prints, exit codes, the identity outputs file,
 * prune consent, usage errors.
 */
import { mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseIdentityOutputs, type IdentityPlan } from "@flotilla/workload-identity";
import type { ArmServer } from "./support/arm-server/index.js";
import { bootstrapInProcess } from "./support/bootstrap-cli.js";
import { clusterWith, isWrite, planOf, serviceAccounts, startServerFor, TENANT } from "./support/bootstrap-harness.js";
import { writeFleet } from "./support/fixture-fleet.js";

const CONTAINER = { storageContainer: { account: "stdevdata", container: "raw" } };

const dev = clusterWith("dev", [
  { name: "analytics", serviceAccounts: serviceAccounts("analytics", 2), roles: [{ role: "Storage Blob Data Reader", scope: CONTAINER }] },
  { name: "batch", serviceAccounts: serviceAccounts("batch", 1), roles: [{ role: "AcrPull", scope: { containerRegistry: { name: "crdev" } } }] },
]);
const staging = clusterWith("staging", [{ name: "jobs", serviceAccounts: serviceAccounts("jobs", 1) }], [], "3c9b8a7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d");
// 2 identities + 3 credentials + 2 assignments in dev; 1 + 1 in staging.
const DEV_RESOURCES = 7;

const servers: ArmServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setUp(...clusters: Array<ReturnType<typeof clusterWith>>) {
  const plan: IdentityPlan = planOf(...clusters);
  const server = await startServerFor(plan);
  servers.push(server);
  const fleet = await writeFleet(Object.fromEntries(clusters.map((c) => [`${c.name}.mjs`, c])));
  const outputs = await mkdtemp(join(tmpdir(), "flotilla-outputs-"));
  return { plan, server, fleet, outputs };
}

const resourceLines = (stdout: string) => stdout.split("\n").filter((line) => /^ {2}[+~=!-] /.test(line));
/** apply's progress lines (after the plan it shows first). */
const appliedLines = (stdout: string) => resourceLines(stdout.slice(stdout.indexOf("\nApplying:\n")));

describe("bootstrap plan / apply (CLI)", () => {
  it("plan shows creates, apply creates with one line per resource and writes the outputs, a re-run changes nothing", async () => {
    const { server, fleet, outputs } = await setUp(dev);
    const args = ["--fleet", fleet, "--cluster", "dev"];

    const plan = await bootstrapInProcess(["plan", ...args], { server });
    expect(plan.code).toBe(0);
    expect(resourceLines(plan.stdout)).toHaveLength(DEV_RESOURCES);
    expect(resourceLines(plan.stdout).every((line) => line.startsWith("  + create "))).toBe(true);
    expect(plan.stdout).toContain("  + create    identity              id-dev-analytics (key analytics, resource group rg-dev)");
    expect(plan.stdout).toContain("Plan: 7 to create, 0 to update, 0 unchanged, 0 to delete.");
    expect(server.requests.filter(isWrite)).toEqual([]);

    const first = await bootstrapInProcess(["apply", ...args, "--outputs-dir", outputs, "--yes"], { server });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const lines = appliedLines(first.stdout);
    expect(lines).toHaveLength(DEV_RESOURCES);
    expect(lines.every((line) => line.startsWith("  + created "))).toBe(true);
    expect(first.stdout).toMatch(
      /^Apply complete: 7 created, 0 updated, 0 unchanged, 0 deleted, 0 failed; \d+ ARM requests \(\d+ reads, \d+ writes\); \d+\.\d s\.$/m,
    );
    const file = join(outputs, "dev.json");
    expect(first.stdout).toContain(`Wrote ${file}`);
    const text = await readFile(file, "utf8");
    const parsed = parseIdentityOutputs(text, file);
    expect(parsed.ok).toBe(true);
    const analytics = server.state.getIdentity("rg-dev", "id-dev-analytics", server.subscriptionId)!;
    expect(JSON.parse(text)).toEqual({
      cluster: "dev",
      tenantId: TENANT,
      identities: {
        analytics: { clientId: analytics.clientId, principalId: analytics.principalId, resourceId: expect.stringMatching(/\/userAssignedIdentities\/id-dev-analytics$/) },
        batch: expect.objectContaining({ clientId: server.state.getIdentity("rg-dev", "id-dev-batch", server.subscriptionId)!.clientId }),
      },
    });
    expect(text.endsWith("}\n")).toBe(true);
    expect(await readdir(outputs)).toEqual(["dev.json"]); // no temporary file left behind
    const before = await stat(file);

    server.resetRequests();
    // Nothing to change: nothing to confirm, so no --yes is needed.
    const second = await bootstrapInProcess(["apply", ...args, "--outputs-dir", outputs], { server });
    expect(second.code).toBe(0);
    expect(server.requests.filter(isWrite)).toEqual([]);
    expect(appliedLines(second.stdout).every((line) => line.startsWith("  = unchanged "))).toBe(true);
    expect(appliedLines(second.stdout)).toHaveLength(DEV_RESOURCES);
    expect(second.stdout).toMatch(/^Apply complete: 0 created, 0 updated, 7 unchanged, 0 deleted, 0 failed; \d+ ARM requests \(\d+ reads, 0 writes\)/m);
    expect(second.stdout).toContain(`Unchanged: ${file}`);
    const after = await stat(file);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);

    const replan = await bootstrapInProcess(["plan", ...args, "--prune"], { server });
    expect(replan.code).toBe(0);
    expect(replan.stdout).toContain("Plan: 0 to create, 0 to update, 7 unchanged, 0 to delete.");
  });

  it("--cluster takes a comma list or repeats; an unknown cluster is a usage error (exit 2) before any request", async () => {
    const { server, fleet, outputs } = await setUp(dev, staging);
    const both = await bootstrapInProcess(["apply", "--fleet", fleet, "--cluster", "staging,dev", "--outputs-dir", outputs, "--yes"], { server });
    expect(both.code).toBe(0);
    expect(both.stdout).toMatch(/Apply complete: 9 created/);
    expect((await readdir(outputs)).sort()).toEqual(["dev.json", "staging.json"]);

    const repeated = await bootstrapInProcess(["plan", "--fleet", fleet, "--cluster", "staging", "--cluster", "dev"], { server });
    expect(repeated.stdout).toContain("Plan: 0 to create, 0 to update, 9 unchanged, 0 to delete.");

    server.resetRequests();
    const unknown = await bootstrapInProcess(["apply", "--fleet", fleet, "--cluster", "dev,qa"], { server });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("bootstrap: unknown cluster(s) qa; the fleet has: dev, staging");
    expect(server.requests).toEqual([]);
  });

  it("a failed apply leaves the existing outputs file intact and names each failed resource with its ARM error", async () => {
    const { server, fleet, outputs } = await setUp(dev);
    const file = join(outputs, "dev.json");
    const previous = `${JSON.stringify({ cluster: "dev", tenantId: TENANT, identities: {} }, null, 2)}\n`;
    await writeFile(file, previous);
    server.faults.add({ method: "PUT", path: /userAssignedIdentities\/id-dev-batch$/, times: Infinity, fault: { type: "error", status: 500, code: "InternalServerError" } });
    const run = await bootstrapInProcess(["apply", "--fleet", fleet, "--outputs-dir", outputs, "--yes"], { server, sdkRetry: { maxRetries: 1 } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ {2}! FAILED +identity +dev: id-dev-batch \(key batch, resource group rg-dev\) {2}\[InternalServerError \(HTTP 500\): Encountered an injected server error \(test ARM server\)\.\]$/m);
    expect(run.stdout).toMatch(/^ {2}! skipped +federated credential +dev: id-dev-batch\/batch-sa-1 .*\[identity id-dev-batch does not exist/m);
    expect(run.stdout).toMatch(/^Apply finished with failures: 4 created, 0 updated, 0 unchanged, 0 deleted, 3 failed;/m);
    expect(run.stderr).toContain("Identity outputs of cluster dev not written (identity id-dev-batch: InternalServerError (HTTP 500)");
    expect(await readFile(file, "utf8")).toBe(previous);
    expect(await readdir(outputs)).toEqual(["dev.json"]);

    server.faults.clear();
    const rerun = await bootstrapInProcess(["apply", "--fleet", fleet, "--outputs-dir", outputs, "--yes"], { server });
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toMatch(/Apply complete: 3 created, 0 updated, 4 unchanged/);
    expect(Object.keys(JSON.parse(await readFile(file, "utf8")).identities)).toEqual(["analytics", "batch"]);
  });

  it("--prune lists the deletions first with why each is flotilla's; off a terminal apply needs --yes (exit 2, nothing written); a terminal is asked", async () => {
    const { server, fleet, outputs } = await setUp(dev);
    expect((await bootstrapInProcess(["apply", "--fleet", fleet, "--outputs-dir", outputs, "--yes"], { server })).code).toBe(0);
    const smaller = clusterWith("dev", [
      { name: "analytics", serviceAccounts: serviceAccounts("analytics", 1), roles: [{ role: "Storage Blob Data Reader", scope: CONTAINER }] },
      { name: "batch", serviceAccounts: serviceAccounts("batch", 1) },
    ]);
    const fleet2 = await writeFleet({ "dev.mjs": smaller });
    const args = ["apply", "--fleet", fleet2, "--outputs-dir", outputs, "--prune"];

    const plan = await bootstrapInProcess(["plan", "--fleet", fleet2], { server });
    expect(plan.stdout).toContain("2 federated credential(s)/role assignment(s) flotilla created are no longer planned; `plan --prune` lists them, `apply --prune` deletes them.");
    const planPrune = await bootstrapInProcess(["plan", "--fleet", fleet2, "--prune"], { server });
    expect(planPrune.stdout).toContain("Plan: 0 to create, 0 to update, 5 unchanged, 2 to delete.");
    expect(planPrune.stdout).toMatch(
      /^ {2}- delete {4}federated credential {2}id-dev-analytics\/analytics-sa-2 \(system:serviceaccount:analytics:sa-2\) {2}\[flotilla created it: tag flotilla-fic-analytics-sa-2=created on id-dev-analytics\]$/m,
    );
    expect(planPrune.stdout).toMatch(/^ {6}- subject = "system:serviceaccount:analytics:sa-2"$/m);
    expect(planPrune.stdout).toMatch(
      /^ {2}- delete {4}role assignment {7}id-dev-batch: AcrPull on .*\/registries\/crdev \([0-9a-f-]{36}\) {2}\[flotilla created it: description "managed by flotilla: cluster dev, identity batch"\]$/m,
    );

    server.resetRequests();
    const refused = await bootstrapInProcess(args, { server });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain("Plan: 0 to create, 0 to update, 5 unchanged, 2 to delete.");
    expect(refused.stderr).toBe(
      "bootstrap: refusing to make 2 change(s) in Azure without confirmation: not a terminal; re-run with --yes, or save a plan (bootstrap plan --out plan.json) and apply it (bootstrap apply plan.json); nothing was changed",
    );
    expect(server.requests.filter(isWrite)).toEqual([]);

    const declined = await bootstrapInProcess(args, { server, interactive: true, confirm: async () => false });
    expect(declined.code).toBe(1);
    expect(declined.stderr).toBe("Apply cancelled; nothing was changed.");
    expect(server.requests.filter(isWrite)).toEqual([]);

    let asked = "";
    const accepted = await bootstrapInProcess(args, { server, interactive: true, confirm: async (q) => ((asked = q), true) });
    expect(asked).toBe("Make these 2 change(s) in Azure? [y/N] ");
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toMatch(/Apply complete: 0 created, 0 updated, 5 unchanged, 2 deleted, 0 failed/);
    expect(server.writes({ method: "DELETE" })).toHaveLength(2);
    // The deleted credential's record is gone from the identity's tags.
    expect(Object.keys(server.state.getIdentity("rg-dev", "id-dev-analytics", server.subscriptionId)!.tags).sort()).toEqual([
      "flotilla-cluster",
      "flotilla-fic-analytics-sa-1",
      "flotilla-identity",
      "flotilla-origin",
      "managed-by",
    ]);

    const yes = await bootstrapInProcess([...args, "--yes"], { server });
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain("Plan: 0 to create, 0 to update, 5 unchanged, 0 to delete.");
  });

  it("usage errors exit 2: bad flags, a non-loopback or non-https test endpoint, --ca without it, --offline with --prune", async () => {
    const { fleet } = await setUp(dev);
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [["apply", "--fleet", fleet, "--bogus"], {}, /unknown option '--bogus'/],
      [["destroy"], {}, /unknown command 'destroy'/],
      [["plan", "--fleet", fleet], { FLOTILLA_ARM_ENDPOINT: "https://management.azure.com" }, /FLOTILLA_ARM_ENDPOINT must be https:\/\/<loopback host>:<port>/],
      [["plan", "--fleet", fleet], { FLOTILLA_ARM_ENDPOINT: "http://127.0.0.1:1" }, /must be https/],
      [["plan", "--fleet", fleet, "--ca", "/nonexistent"], {}, /--ca is only accepted together with FLOTILLA_ARM_ENDPOINT/],
      [["plan", "--fleet", fleet, "--offline", "--prune"], {}, /cannot be combined with --offline/],
    ];
    for (const [args, env, message] of cases) {
      const run = await bootstrapInProcess(args, { env });
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(message);
    }
  });

  it("plan --offline prints the desired state without a server or credentials", async () => {
    const { fleet } = await setUp(dev);
    const run = await bootstrapInProcess(["plan", "--offline", "--fleet", fleet]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Cluster dev (subscription 0b1f6471-1bf0-4dda-aec3-cb9272f09590, tenant 72f988bf-86f1-41af-91ab-2d7cd011db47) — desired state, Azure not read");
    expect(run.stdout).toMatch(/^ {4}federated credential {2}analytics-sa-1: issuer https:\/\/westeurope\.oic\.prod-aks\.azure\.com\/.*, subject system:serviceaccount:analytics:sa-1, audience api:\/\/AzureADTokenExchange$/m);
    expect(run.stdout).toContain("Desired: 0 role definition(s), 2 identities, 3 federated credential(s), 2 role assignment(s) in 1 cluster(s).");
  });

  it("an invalid fleet is reported with its file and path, and nothing is read", async () => {
    const bad = clusterWith("dev", [{ name: "analytics", serviceAccounts: [{ namespace: "nowhere", name: "x" }] }]);
    bad.namespaces = [];
    const fleet = await writeFleet({ "dev.mjs": bad });
    const run = await bootstrapInProcess(["plan", "--offline", "--fleet", fleet]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/dev\.mjs: .*nowhere/);
    expect(run.stderr).toContain("Nothing was read or changed in Azure.");
  });
});
