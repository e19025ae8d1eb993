/**
 * `bootstrap plan` like terraform and ownership recorded in Azure, through the CLI in-process
 * (runCli with a test credential) against the local ARM server: + / ~ / - with the attributes
 * that change, adopt, --json, --out + `apply <file>` (refused when Azure drifted), confirmation,
 * --exit-code, the offline wording, the issuer warning, and prune after adoption.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquireLock } from "@flotilla/lock";
import type { ArmServer } from "./support/arm-server/index.js";
import { bootstrapInProcess } from "./support/bootstrap-cli.js";
import { AUDIENCE, clusterWith, isWrite, planOf, serviceAccounts, sessionFor, startServerFor } from "./support/bootstrap-harness.js";
import { writeFleet } from "./support/fixture-fleet.js";

const CONTAINER = { storageContainer: { account: "stdevdata", container: "raw" } };

const servers: ArmServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function setUp(cluster: ReturnType<typeof clusterWith>) {
  const plan = planOf(cluster);
  const server = await startServerFor(plan);
  servers.push(server);
  const fleet = await writeFleet({ [`${cluster.name}.mjs`]: cluster });
  const work = await mkdtemp(join(tmpdir(), "flotilla-plan-"));
  dirs.push(fleet, work);
  return { plan, server, fleet, work, outputs: join(work, "outputs"), sub: plan.clusters[0]!.subscriptionId, issuer: plan.clusters[0]!.oidcIssuerUrl };
}

const dev = clusterWith("dev", [
  { name: "analytics", serviceAccounts: serviceAccounts("analytics", 1), roles: [{ role: "Storage Blob Data Reader", scope: CONTAINER }] },
]);

describe("prune after adoption (issue 14.2)", () => {
  it("a hand-made identity with a hand-made credential is adopted visibly, and `apply --prune --yes` keeps the credential, run after run", async () => {
    const { server, fleet, outputs, sub, issuer } = await setUp(dev);
    // Made by hand before flotilla planned it; the credential is even named as flotilla would name one.
    server.state.seedIdentity("rg-dev", "id-dev-analytics", { subscriptionId: sub, tags: { team: "data" } });
    const handMade = [
      { name: "analytics-notebook", issuer, subject: "system:serviceaccount:analytics:notebook", audiences: [AUDIENCE] },
      { name: "ext-ci", issuer: "https://token.actions.githubusercontent.com", subject: "repo:contoso/ml:ref:refs/heads/main", audiences: [AUDIENCE] },
    ];
    server.state.seedFics("rg-dev", "id-dev-analytics", handMade, sub);
    const principal = server.state.getIdentity("rg-dev", "id-dev-analytics", sub)!.principalId;
    const reader = `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`;
    server.state.seedRoleAssignment({ name: "2b2b2b2b-0000-4000-8000-000000000002", scope: `/subscriptions/${sub}/resourceGroups/rg-dev`, roleDefinitionId: reader, principalId: principal, description: "granted by hand" });

    const plan = await bootstrapInProcess(["plan", "--fleet", fleet, "--prune"], { server });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/^ {2}~ adopt {5}identity {14}id-dev-analytics \(key analytics, resource group rg-dev\) {2}\[exists, not created by flotilla: .*never pruned\]$/m);
    expect(plan.stdout).toMatch(/^ {6}\+ tags\["flotilla-origin"\] = "adopted"$/m);
    expect(plan.stdout).toContain("Plan: 2 to create, 0 to update, 1 to adopt, 0 unchanged, 0 to delete.");

    for (let run = 1; run <= 3; run++) {
      const applied = await bootstrapInProcess(["apply", "--fleet", fleet, "--outputs-dir", outputs, "--prune", "--yes"], { server });
      expect({ run, code: applied.code, stderr: applied.stderr }).toEqual({ run, code: 0, stderr: "" });
      expect(applied.stdout).toMatch(/ 0 deleted, 0 failed;/);
      const identity = server.state.getIdentity("rg-dev", "id-dev-analytics", sub)!;
      expect([...identity.fics.keys()].sort()).toEqual(["analytics-notebook", "analytics-sa-1", "ext-ci"]);
      expect(identity.tags).toEqual({
        team: "data",
        "managed-by": "flotilla",
        "flotilla-cluster": "dev",
        "flotilla-identity": "analytics",
        "flotilla-origin": "adopted",
        "flotilla-fic-analytics-sa-1": "created",
      });
      expect(server.state.listRoleAssignments().map((a) => a.description).sort()).toEqual(["granted by hand", "managed by flotilla: cluster dev, identity analytics"]);
    }
    expect(server.writes({ method: "DELETE" })).toEqual([]);
    const again = await bootstrapInProcess(["plan", "--fleet", fleet, "--prune"], { server });
    expect(again.stdout).toContain("Plan: 0 to create, 0 to update, 3 unchanged, 0 to delete.");
  });
});

describe("adopted credentials", () => {
  it("a planned credential that existed by hand is adopted (and corrected), recorded as adopted, and kept by prune once no longer planned", async () => {
    const { server, fleet, outputs, sub, issuer } = await setUp(dev);
    server.state.seedIdentity("rg-dev", "id-dev-analytics", { subscriptionId: sub });
    server.state.seedFics("rg-dev", "id-dev-analytics", [{ name: "analytics-sa-1", issuer, subject: "system:serviceaccount:analytics:old", audiences: [AUDIENCE] }], sub);
    const plan = await bootstrapInProcess(["plan", "--fleet", fleet], { server });
    const lines = plan.stdout.split("\n");
    const at = lines.findIndex((line) => /^ {2}~ adopt {5}federated credential {2}id-dev-analytics\/analytics-sa-1 /.test(line));
    expect(at).toBeGreaterThan(0);
    expect(lines[at]).toContain("[exists, not created by flotilla: never pruned]");
    expect(lines[at + 1]).toBe('      ~ subject = "system:serviceaccount:analytics:old" → "system:serviceaccount:analytics:sa-1"');
    expect(plan.stdout).toMatch(/^ {6}\+ tags\["flotilla-fic-analytics-sa-1"\] = "adopted"$/m);

    const applied = await bootstrapInProcess(["apply", "--fleet", fleet, "--outputs-dir", outputs, "--yes"], { server });
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/^ {2}~ adopted {3}federated credential {2}dev: id-dev-analytics\/analytics-sa-1 .*\[subject\]$/m);
    const identity = server.state.getIdentity("rg-dev", "id-dev-analytics", sub)!;
    expect(identity.fics.get("analytics-sa-1")!.subject).toBe("system:serviceaccount:analytics:sa-1");
    expect(identity.tags["flotilla-fic-analytics-sa-1"]).toBe("adopted");

    // The fleet stops planning it: flotilla did not create it, so prune keeps it.
    // (An identity needs some credential: it keeps another ServiceAccount.)
    const without = clusterWith("dev", [{ name: "analytics", serviceAccounts: serviceAccounts("analytics", 1, "other"), roles: [{ role: "Storage Blob Data Reader", scope: CONTAINER }] }]);
    await writeFile(join(fleet, "dev.mjs"), `export default ${JSON.stringify(without)};\n`);
    const pruned = await bootstrapInProcess(["apply", "--fleet", fleet, "--outputs-dir", outputs, "--prune", "--yes"], { server });
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toContain("0 to delete.");
    expect([...server.state.getIdentity("rg-dev", "id-dev-analytics", sub)!.fics.keys()].sort()).toEqual(["analytics-other-1", "analytics-sa-1"]);
  });
});

describe("bootstrap plan like terraform (issue 13.7)", () => {
  it("marks + / ~ / - with the attributes that change, tags included; --json is the same plan on a clean stdout; --exit-code", async () => {
    const { server, fleet, outputs, sub, issuer } = await setUp(dev);
    const fresh = await bootstrapInProcess(["plan", "--fleet", fleet], { server });
    expect(fresh.stdout).toMatch(/^ {2}\+ create {4}identity {14}id-dev-analytics /m);
    expect(fresh.stdout).toMatch(/^ {6}\+ location = "westeurope"$/m);
    expect(fresh.stdout).toMatch(/^ {6}\+ tags\["flotilla-origin"\] = "created"$/m);
    expect(fresh.stdout).toMatch(/^ {6}\+ audiences = \["api:\/\/AzureADTokenExchange"\]$/m);
    expect((await bootstrapInProcess(["plan", "--fleet", fleet, "--exit-code"], { server })).code).toBe(1);
    expect((await bootstrapInProcess(["plan", "--fleet", fleet, "--detailed-exitcode"], { server })).code).toBe(1);
    expect((await bootstrapInProcess(["apply", "--fleet", fleet, "--outputs-dir", outputs, "--yes"], { server })).code).toBe(0);
    expect((await bootstrapInProcess(["plan", "--fleet", fleet, "--exit-code"], { server })).code).toBe(0);

    // Someone edits Azure by hand: a tag, the credential's subject, the assignment's description.
    const identity = server.state.getIdentity("rg-dev", "id-dev-analytics", sub)!;
    identity.tags["managed-by"] = "terraform";
    identity.fics.get("analytics-sa-1")!.subject = "system:serviceaccount:analytics:other";
    const assignment = server.state.listRoleAssignments()[0]!;
    assignment.description = "edited";
    // ...and a credential the plan does not know: kept, never shown as a delete.
    server.state.seedFics("rg-dev", "id-dev-analytics", [{ name: "by-hand", issuer, subject: "system:serviceaccount:analytics:x", audiences: [AUDIENCE] }], sub);

    server.resetRequests();
    const drifted = await bootstrapInProcess(["plan", "--fleet", fleet, "--prune"], { server });
    expect(drifted.code).toBe(0);
    const lines = drifted.stdout.split("\n");
    const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    const identityLine = at(/^ {2}~ update {4}identity /);
    expect(lines[identityLine + 1]).toBe('      ~ tags["managed-by"] = "terraform" → "flotilla"');
    const ficLine = at(/^ {2}~ update {4}federated credential {2}id-dev-analytics\/analytics-sa-1 /);
    expect(lines[ficLine + 1]).toBe('      ~ subject = "system:serviceaccount:analytics:other" → "system:serviceaccount:analytics:sa-1"');
    const raLine = at(/^ {2}~ update {4}role assignment /);
    expect(lines[raLine + 1]).toBe('      ~ description = "edited" → "managed by flotilla: cluster dev, identity analytics"');
    expect(drifted.stdout).toContain("Plan: 0 to create, 3 to update, 0 unchanged, 0 to delete.");
    expect(drifted.stdout).not.toContain("by-hand");

    const json = await bootstrapInProcess(["plan", "--fleet", fleet, "--prune", "--json"], { server });
    expect(json.code).toBe(0);
    const document = JSON.parse(json.stdout);
    expect(document).toMatchObject({ format: "flotilla.bootstrap.plan/v1", online: true, prune: true, summary: { create: 0, update: 3, adopt: 0, unchanged: 0, delete: 0, problems: 0 } });
    expect(document.clusters[0].resources.find((r: { kind: string }) => r.kind === "federated credential")).toEqual({
      kind: "federated credential",
      address: "id-dev-analytics/analytics-sa-1 (system:serviceaccount:analytics:sa-1)",
      action: "update",
      attributes: [{ name: "subject", before: "system:serviceaccount:analytics:other", after: "system:serviceaccount:analytics:sa-1" }],
    });
    expect(json.stderr).toMatch(/^\d+ ARM read requests in [\d.]+ s; nothing was changed\.$/);
    expect(server.requests.filter(isWrite)).toEqual([]);
  });

  it("--out saves the plan; `apply <file>` makes exactly those changes without asking, and refuses (exit 1, nothing written) once Azure drifted", async () => {
    const { server, fleet, work, outputs } = await setUp(dev);
    const planFile = join(work, "plan.json");
    const saved = await bootstrapInProcess(["plan", "--fleet", fleet, "--out", planFile], { server });
    expect(saved.code).toBe(0);
    expect(saved.stdout).toContain(`Saved the plan to ${planFile}. To make exactly these changes, run: bootstrap apply ${planFile}`);
    const document = JSON.parse(await readFile(planFile, "utf8"));
    expect(document.summary).toMatchObject({ create: 3 });

    // The fleet changes after the plan was saved: apply still makes the saved plan, nothing else.
    const bigger = clusterWith("dev", [
      { name: "analytics", serviceAccounts: serviceAccounts("analytics", 2), roles: [{ role: "Storage Blob Data Reader", scope: CONTAINER }] },
    ]);
    await writeFile(join(fleet, "dev.mjs"), `export default ${JSON.stringify(bigger)};\n`);
    server.resetRequests();
    const applied = await bootstrapInProcess(["apply", planFile, "--outputs-dir", outputs], { server });
    expect(applied.stderr).toBe("");
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/^Apply complete: 3 created, 0 updated, 0 unchanged, 0 deleted, 0 failed;/m);
    expect([...server.state.getIdentity("rg-dev", "id-dev-analytics", server.subscriptionId)!.fics.keys()]).toEqual(["analytics-sa-1"]);
    expect(JSON.parse(await readFile(join(outputs, "dev.json"), "utf8")).identities.analytics.clientId).toMatch(/^[0-9a-f-]{36}$/);

    // Applied once, the plan no longer matches Azure.
    server.resetRequests();
    const replay = await bootstrapInProcess(["apply", planFile, "--outputs-dir", outputs], { server });
    expect(replay.code).toBe(1);
    expect(replay.stderr).toContain(`Azure changed since the plan in ${planFile} was made; refusing to apply it:`);
    expect(replay.stderr).toMatch(/cluster dev: id-dev-analytics \(key analytics, resource group rg-dev\): the plan says create, now unchanged/);
    expect(replay.stderr).toContain(`Nothing was changed. Make a new plan (bootstrap plan --out ${planFile}), review it, and apply that.`);
    expect(server.requests.filter(isWrite)).toEqual([]);

    // Drift that leaves every planned change as it was (a tag added by hand) still makes the plan stale.
    const planned = await bootstrapInProcess(["plan", "--fleet", fleet, "--out", planFile], { server });
    expect(planned.code).toBe(0);
    server.state.getIdentity("rg-dev", "id-dev-analytics", server.subscriptionId)!.tags.owner = "someone";
    const stale = await bootstrapInProcess(["apply", planFile, "--outputs-dir", outputs], { server });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("cluster dev: what Azure holds changed (outside what the plan changes)");
    expect(server.requests.filter(isWrite)).toEqual([]);
  });

  it("apply holds the lock of the identity outputs: a second writer waits, then refuses naming the holder (exit 2) before reading Azure", async () => {
    const { server, fleet, outputs } = await setUp(dev);
    const held = await acquireLock(outputs, { operation: "secret set (test)" });
    try {
      const started = Date.now();
      const blocked = await bootstrapInProcess(["apply", "--fleet", fleet, "--outputs-dir", outputs, "--yes"], { server, lockWaitMs: 300 });
      expect(blocked.code).toBe(2);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(blocked.stderr).toMatch(/^Waiting for the lock of .*outputs \(held by secret set \(test\), pid \d+ on /m);
      expect(blocked.stderr).toMatch(/^bootstrap: .*outputs is locked by secret set \(test\), pid \d+ .*; waited /m);
      expect(blocked.stderr).toContain("Nothing was read or changed in Azure.");
      expect(server.requests).toEqual([]);
    } finally {
      await held.release();
    }
    const free = await bootstrapInProcess(["apply", "--fleet", fleet, "--outputs-dir", outputs, "--yes"], { server });
    expect(free.code).toBe(0);
  });

  it("an identity whose tags would pass Azure's 50 is marked `will fail` and never written (the test server refuses 51 like ARM)", async () => {
    const { server, fleet, outputs, sub } = await setUp(dev);
    const crowded = Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`team-tag-${i}`, "x"]));
    server.state.seedIdentity("rg-dev", "id-dev-analytics", { subscriptionId: sub, tags: crowded });
    const plan = await bootstrapInProcess(["plan", "--fleet", fleet], { server });
    expect(plan.code).toBe(1);
    expect(plan.stdout).toMatch(/^ {2}~ adopt {5}identity .*will fail: would carry 51 tags \(flotilla records one per federated credential\); Azure allows 50 per resource: remove tags added by hand\]$/m);
    const applied = await bootstrapInProcess(["apply", "--fleet", fleet, "--outputs-dir", outputs, "--yes"], { server });
    expect(applied.code).toBe(1);
    expect(server.writes({ method: "PUT", path: /userAssignedIdentities\/id-dev-analytics$/ })).toEqual([]);
    // The test server holds ARM's limit itself.
    const { msi } = sessionFor(server).forSubscription(sub);
    const refused = await msi.userAssignedIdentities.createOrUpdate("rg-dev", "id-dev-other", { location: "westeurope", tags: { ...crowded, a: "1", b: "2", c: "3", d: "4", e: "5" } }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ statusCode: 400, code: "InvalidTagCount" });
  });

  it("ARM unreachable: plan and apply print one line with the cause and the fix, exit 2, no stack trace", async () => {
    const { server, fleet, outputs } = await setUp(dev);
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    const host = new URL(server.url).host;
    for (const args of [["plan", "--fleet", fleet], ["apply", "--fleet", fleet, "--outputs-dir", outputs, "--yes"]]) {
      const run = await bootstrapInProcess(args, { server, sdkRetry: { maxRetries: 1 } });
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toBe(`bootstrap: cannot reach Azure Resource Manager at https://${host} (ECONNREFUSED): check your network, DNS and proxy (HTTPS_PROXY); nothing was changed`);
      expect(run.stdout).toBe("");
    }
  });

  it("no Azure sign-in: one line with the cause and the fix, exit 2, before any request", async () => {
    const { server, fleet } = await setUp(dev);
    const signedOut = { getToken: async () => Promise.reject(Object.assign(new Error("Please run 'az login' to set up an account."), { name: "CredentialUnavailableError" })) };
    const run = await bootstrapInProcess(["plan", "--fleet", fleet], { server, credential: signedOut });
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n")).toEqual([
      "Cannot get an Azure token (DefaultAzureCredential): CredentialUnavailableError: Please run 'az login' to set up an account.",
      "Sign in first (e.g. `az login`), set a service principal's AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, or run in an environment with a managed or workload identity.",
    ]);
    expect(server.requests).toEqual([]);
  });

  it("usage: a broken or offline plan file, --cluster with a plan file, --out/--exit-code with --offline exit 2", async () => {
    const { fleet, work } = await setUp(dev);
    const broken = join(work, "broken.json");
    await writeFile(broken, "{ not json");
    const offline = join(work, "offline.json");
    await writeFile(offline, (await bootstrapInProcess(["plan", "--offline", "--json", "--fleet", fleet])).stdout);
    const cases: Array<[string[], RegExp]> = [
      [["apply", broken], /broken\.json is not JSON .*make it with `bootstrap plan --out/],
      [["apply", offline], /an --offline plan shows the desired state only and cannot be applied/],
      [["apply", join(work, "missing.json")], /cannot read the saved plan .*missing\.json \(ENOENT\)/],
      [["apply", offline, "--cluster", "dev"], /a saved plan already fixes the clusters/],
      [["plan", "--offline", "--out", join(work, "x.json"), "--fleet", fleet], /--out saves a plan for apply, which needs Azure read/],
      [["plan", "--offline", "--exit-code", "--fleet", fleet], /--exit-code reports changes, which need Azure read/],
    ];
    for (const [args, message] of cases) {
      const run = await bootstrapInProcess(args);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(message);
    }
  });

  it("--offline says plainly it shows the desired state; --offline --json is a document; an issuer without AKS's trailing slash is warned about", async () => {
    const noSlash = clusterWith("dev", [{ name: "analytics", serviceAccounts: serviceAccounts("analytics", 1) }]);
    noSlash.azure.oidcIssuerUrl = noSlash.azure.oidcIssuerUrl.replace(/\/$/, "");
    const fleet = await writeFleet({ "dev.mjs": noSlash });
    dirs.push(fleet);
    const text = await bootstrapInProcess(["plan", "--offline", "--fleet", fleet]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("This is the desired state from the fleet alone (--offline): Azure was not read, so it says nothing about what exists or what apply would change.");
    expect(text.stderr).toMatch(/^warning: cluster dev: azure\.oidcIssuerUrl "https:\/\/westeurope\.oic\.prod-aks\.azure\.com\/[^"]*[0-9a-f]" has no trailing slash; AKS reports its issuer with one/);
    const json = await bootstrapInProcess(["plan", "--offline", "--json", "--fleet", fleet]);
    const document = JSON.parse(json.stdout);
    expect(document).toMatchObject({ format: "flotilla.bootstrap.plan/v1", online: false });
    expect(document.clusters[0].identities[0].federatedCredentials[0].subject).toBe("system:serviceaccount:analytics:sa-1");
  });
});
