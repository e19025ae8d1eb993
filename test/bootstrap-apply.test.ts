/**
 * apps/bootstrap's plan/apply core (readChanges, apply) with the REAL Azure SDK clients
 * (@azure/arm-msi, @azure/arm-authorization, through the app's ArmSession) against the local
 * HTTPS ARM server (test/support/arm-server), which answers as ARM does: replication delay,
 * 409 for concurrent credential writes, 20-credential limit, RoleAssignmentExists, faults.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { IdentityPlan } from "@flotilla/workload-identity";
import { applyChanges, type ResourceResult } from "../apps/bootstrap/src/apply.js";
import { apply, PlanRejectedError, readChanges } from "../apps/bootstrap/src/bootstrap.js";
import type { ClusterChanges } from "../apps/bootstrap/src/diff.js";
import type { ArmServer } from "./support/arm-server/index.js";
import {
  AUDIENCE,
  clusterWith,
  FAST_RETRY,
  identityOfPath,
  interval,
  isWrite,
  normalisedState,
  overlaps,
  planOf,
  serviceAccounts,
  sessionFor,
  startServerFor,
} from "./support/bootstrap-harness.js";

const CONTAINER = { storageContainer: { account: "stdevdata", container: "raw" } };
const REGISTRY = { containerRegistry: { name: "crdev" } };

/** dev: a custom role, two identities (3 + 4 credentials), 3 role assignments = 13 resources. */
function devPlan(): IdentityPlan {
  return planOf(
    clusterWith(
      "dev",
      [
        {
          name: "analytics",
          serviceAccounts: serviceAccounts("analytics", 3),
          roles: [
            { role: "Storage Blob Data Reader", scope: CONTAINER },
            { role: { custom: "blob-lister" }, scope: CONTAINER },
          ],
        },
        {
          name: "batch",
          serviceAccounts: serviceAccounts("batch", 3),
          external: [{ name: "vendor", issuer: "https://oidc.vendor.example.com/", subject: "org:contoso:batch" }],
          roles: [{ role: "AcrPull", scope: REGISTRY }],
        },
      ],
      [{ name: "blob-lister", actions: ["Microsoft.Storage/storageAccounts/blobServices/containers/read"] }],
    ),
  );
}

const servers: ArmServer[] = [];
async function serverFor(plan: IdentityPlan, options: Parameters<typeof startServerFor>[1] = {}): Promise<ArmServer> {
  const server = await startServerFor(plan, options);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const tally = (results: ResourceResult[]) => {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  return counts;
};
const actions = (changes: ClusterChanges[]) => {
  const counts: Record<string, number> = {};
  const add = (a: string) => (counts[a] = (counts[a] ?? 0) + 1);
  for (const c of changes) {
    c.roleDefinitions.forEach((d) => add(d.action));
    for (const i of c.identities) {
      add(i.identity.action);
      i.fics.forEach((f) => add(f.action));
      i.roleAssignments.forEach((a) => add(a.action));
    }
  }
  return counts;
};
const failures = (results: ResourceResult[]) => results.filter((r) => r.outcome === "failed" || r.outcome === "skipped");

describe("bootstrap apply against an empty subscription", () => {
  it("plan shows creates; apply creates everything; a second apply makes zero writes; plan then shows all unchanged", async () => {
    const plan = devPlan();
    const server = await serverFor(plan);
    const session = sessionFor(server);

    const before = await readChanges(plan, session, { prune: false });
    expect(actions(before)).toEqual({ create: 13 });
    expect(server.writes()).toHaveLength(0);

    const first = await apply(plan, session, { prune: false, ...FAST_RETRY });
    expect(failures(first.results)).toEqual([]);
    expect(tally(first.results)).toEqual({ created: 13 });
    const created = server.writes().filter((r) => r.status === 201);
    expect(created).toHaveLength(13);
    expect(server.state.listIdentities().map((i) => i.name).sort()).toEqual(["id-dev-analytics", "id-dev-batch"]);
    // The role assignments were sent as ServicePrincipal (the server rejects a mismatch) and carry flotilla's marker.
    expect(server.state.listRoleAssignments().map((a) => [a.principalType, a.description])).toEqual(
      Array(3).fill(["ServicePrincipal", expect.stringMatching(/^managed by flotilla: cluster dev, identity (analytics|batch)$/)]),
    );
    // The outputs carry the server's IDs.
    const analytics = server.state.getIdentity("rg-dev", "id-dev-analytics", plan.clusters[0]!.subscriptionId)!;
    expect(first.outputs).toEqual([
      {
        cluster: "dev",
        tenantId: server.tenantId,
        identities: {
          analytics: { clientId: analytics.clientId, principalId: analytics.principalId, resourceId: plan.clusters[0]!.identities[0]!.resourceId },
          batch: expect.objectContaining({ clientId: server.state.getIdentity("rg-dev", "id-dev-batch", plan.clusters[0]!.subscriptionId)!.clientId }),
        },
      },
    ]);

    server.resetRequests();
    const second = await apply(plan, sessionFor(server), { prune: false, ...FAST_RETRY });
    expect(tally(second.results)).toEqual({ unchanged: 13 });
    expect(server.requests.filter(isWrite)).toEqual([]);
    expect(second.outputs).toEqual(first.outputs);

    const after = await readChanges(plan, sessionFor(server), { prune: true });
    expect(actions(after)).toEqual({ unchanged: 13 });
    expect(server.requests.filter(isWrite)).toEqual([]);
  });
});

describe("federated credentials", () => {
  it("a plan with 21 credentials on one identity is rejected before any request", async () => {
    const plan = planOf(clusterWith("dev", [{ name: "wide", serviceAccounts: serviceAccounts("team", 20) }]));
    const server = await serverFor(plan);
    const identity = plan.clusters[0]!.identities[0]!;
    identity.federatedCredentials.push({ ...identity.federatedCredentials[0]!, name: "team-sa-21", subject: "system:serviceaccount:team:sa-21" });
    const error = await readChanges(plan, sessionFor(server), { prune: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanRejectedError);
    expect((error as Error).message).toMatch(/21 federated credentials planned; Azure allows at most 20/);
    expect(server.requests).toEqual([]);
    // planIdentities refuses it too, with the fleet path.
    expect(() => planOf(clusterWith("dev", [{ name: "wide", serviceAccounts: serviceAccounts("team", 21) }]))).toThrow(/21 federated credentials/);
  });

  it("never sends a 21st credential: with 18 foreign credentials present, 2 of 4 planned are created and 2 fail up front", async () => {
    const plan = planOf(clusterWith("dev", [{ name: "crowded", serviceAccounts: serviceAccounts("team", 4) }]));
    const server = await serverFor(plan);
    const identity = plan.clusters[0]!.identities[0]!;
    server.state.seedIdentity(identity.resourceGroup, identity.name, { subscriptionId: plan.clusters[0]!.subscriptionId, tags: identity.tags });
    server.state.seedFics(
      identity.resourceGroup,
      identity.name,
      Array.from({ length: 18 }, (_, i) => ({ name: `manual-${i}`, issuer: "https://issuer.example.com/", subject: `s-${i}`, audiences: [AUDIENCE] })),
      plan.clusters[0]!.subscriptionId,
    );
    const report = await apply(plan, sessionFor(server), { prune: false, ...FAST_RETRY });
    // The identity existed without flotilla's record of its origin: adopted (tags written), its 18 credentials kept.
    expect(tally(report.results)).toEqual({ adopted: 1, created: 2, failed: 2 });
    expect(failures(report.results).map((r) => r.message)).toEqual(Array(2).fill(expect.stringMatching(/already has 20 federated credentials; Azure allows 20/)));
    const ficPuts = server.writes({ method: "PUT", path: /federatedIdentityCredentials\// });
    expect(ficPuts.map((r) => r.status)).toEqual([201, 201]);
    expect(server.state.getIdentity(identity.resourceGroup, identity.name, plan.clusters[0]!.subscriptionId)!.fics.size).toBe(20);
    expect(report.outputs).toHaveLength(1); // the identity exists: its outputs are known
  });

  it("writes one identity's credentials strictly one at a time while two identities are written in parallel", async () => {
    const plan = planOf(
      clusterWith("dev", [
        { name: "left", serviceAccounts: serviceAccounts("left", 8) },
        { name: "right", serviceAccounts: serviceAccounts("right", 8) },
      ]),
    );
    const server = await serverFor(plan, { ficWriteLockMs: 40 });
    const report = await apply(plan, sessionFor(server), { prune: false, concurrency: 4, ...FAST_RETRY });
    expect(failures(report.results)).toEqual([]);
    expect(server.requests.filter((r) => r.status === 409)).toEqual([]);
    const ficWrites = server.writes({ path: /federatedIdentityCredentials\// });
    expect(ficWrites).toHaveLength(16);
    const byIdentity = new Map<string, typeof ficWrites>();
    for (const r of ficWrites) byIdentity.set(identityOfPath(r.path)!, [...(byIdentity.get(identityOfPath(r.path)!) ?? []), r]);
    for (const writes of byIdentity.values()) {
      const sorted = [...writes].sort((a, b) => a.timestamp - b.timestamp);
      for (let i = 1; i < sorted.length; i++) expect(overlaps(interval(sorted[i - 1]!), interval(sorted[i]!))).toBe(false);
    }
    const left = byIdentity.get("id-dev-left")!;
    const right = byIdentity.get("id-dev-right")!;
    expect(left.some((a) => right.some((b) => overlaps(interval(a), interval(b))))).toBe(true);
  });
});

describe("role assignments", () => {
  it("retries PrincipalNotFound while a new identity's principal replicates, then succeeds", async () => {
    const plan = devPlan();
    const server = await serverFor(plan, { principalReplicationDelayMs: 700 });
    const report = await apply(plan, sessionFor(server), { prune: false, ...FAST_RETRY });
    expect(failures(report.results)).toEqual([]);
    const assignmentPuts = server.writes({ method: "PUT", path: /roleAssignments\// });
    expect(assignmentPuts.filter((r) => r.errorCode === "PrincipalNotFound").length).toBeGreaterThan(0);
    expect(assignmentPuts.filter((r) => r.status === 201)).toHaveLength(3);
    expect(server.state.listRoleAssignments()).toHaveLength(3);
  });

  it("gives up on PrincipalNotFound after its bounded retries, with the ARM error in the message", async () => {
    const plan = planOf(clusterWith("dev", [{ name: "slow", serviceAccounts: serviceAccounts("slow", 1), roles: [{ role: "AcrPull", scope: REGISTRY }] }]));
    const server = await serverFor(plan, { principalReplicationDelayMs: 60_000 });
    const started = Date.now();
    const report = await apply(plan, sessionFor(server), {
      prune: false,
      ...FAST_RETRY,
      principalRetry: { maxAttempts: 4, maxElapsedMs: 2_000, baseDelayMs: 50, maxDelayMs: 100 },
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(failures(report.results)).toEqual([
      expect.objectContaining({ kind: "role assignment", outcome: "failed", message: expect.stringMatching(/^PrincipalNotFound \(HTTP 400\): Principal \w+ does not exist/) }),
    ]);
    expect(server.writes({ method: "PUT", path: /roleAssignments\// })).toHaveLength(4);
  });

  it("treats an equal assignment under another name as done, whether seen when reading or answered 409 RoleAssignmentExists", async () => {
    const plan = devPlan();
    const server = await serverFor(plan);
    const cluster = plan.clusters[0]!;
    const [analytics, batch] = cluster.identities;
    for (const identity of cluster.identities) {
      server.state.seedIdentity(identity.resourceGroup, identity.name, { subscriptionId: cluster.subscriptionId, tags: identity.tags, location: identity.location });
    }
    const principal = (name: string) => server.state.getIdentity("rg-dev", name, cluster.subscriptionId)!.principalId;
    // Seen when reading: AcrPull for batch, created by someone else under a random name.
    const acrPull = batch!.roleAssignments[0]!;
    server.state.seedRoleAssignment({ name: "0f0f0f0f-0000-4000-8000-000000000001", scope: acrPull.scope, roleDefinitionId: acrPull.roleDefinitionId, principalId: principal(batch!.name) });

    const session = sessionFor(server);
    const changes = await readChanges(plan, session, { prune: false });
    // Appears between reading and writing: Storage Blob Data Reader for analytics.
    const reader = analytics!.roleAssignments.find((a) => a.roleName === "Storage Blob Data Reader")!;
    server.state.seedRoleAssignment({ name: "0f0f0f0f-0000-4000-8000-000000000002", scope: reader.scope, roleDefinitionId: reader.roleDefinitionId, principalId: principal(analytics!.name) });

    const report = await applyChanges(changes, session, FAST_RETRY);
    expect(failures(report.results)).toEqual([]);
    const exists = report.results.filter((r) => r.outcome === "exists");
    expect(exists.map((r) => [r.address.split(":")[0], r.message])).toEqual(
      expect.arrayContaining([
        ["id-dev-batch", "exists (created outside flotilla) as 0f0f0f0f-0000-4000-8000-000000000001"],
        ["id-dev-analytics", "exists (created outside flotilla)"],
      ]),
    );
    expect(server.requests.filter((r) => r.errorCode === "RoleAssignmentExists")).toHaveLength(1);
    expect(server.writes({ method: "PUT", path: new RegExp(acrPull.name) })).toEqual([]);
    expect(report.outputs).toHaveLength(1);
  });
});

describe("faults", () => {
  it("survives 429 with Retry-After and 5xx answers on every kind of request", async () => {
    const plan = devPlan();
    const server = await serverFor(plan);
    server.faults.throttle("PUT", /userAssignedIdentities\/[^/]+$/, 2, 1);
    server.faults.add({ method: "PUT", path: /federatedIdentityCredentials\//, times: 2, fault: { type: "error", status: 503 } });
    server.faults.add({ method: "PUT", path: /roleAssignments\//, times: 1, fault: { type: "error", status: 500 } });
    server.faults.add({ method: "PUT", path: /roleDefinitions\//, times: 1, fault: { type: "error", status: 502 } });
    server.faults.throttle("GET", /userAssignedIdentities\/[^/]+$/, 1, 1);
    const report = await apply(plan, sessionFor(server), { prune: false, ...FAST_RETRY });
    expect(failures(report.results)).toEqual([]);
    expect(server.faults.pending()).toEqual([]);
    expect(server.requests.filter((r) => r.status === 429)).toHaveLength(3);
    expect(server.requests.filter((r) => r.status >= 500)).toHaveLength(4);

    const reference = await serverFor(plan);
    await apply(plan, sessionFor(reference), { prune: false, ...FAST_RETRY });
    expect(normalisedState(server)).toEqual(normalisedState(reference));
  });

  it("retries a 429 without Retry-After with exponential back-off and jitter inside the SDK bounds, and gives up after maxRetries", async () => {
    const plan = devPlan();
    const server = await serverFor(plan);
    const bounds = { maxRetries: 4, retryDelayInMs: 120, maxRetryDelayInMs: 400 };
    const identityGet = /userAssignedIdentities\/id-dev-analytics$/;
    server.faults.throttle("GET", identityGet, 4, null);
    const changes = await readChanges(plan, sessionFor(server, bounds), { prune: false });
    expect(changes[0]!.identities.map((i) => i.readError)).toEqual([undefined, undefined]);
    const attempts = server.requests.filter((r) => r.method === "GET" && identityGet.test(r.path)).sort((a, b) => a.seq - b.seq);
    expect(attempts.map((r) => r.status)).toEqual([429, 429, 429, 429, 404]);
    expect(attempts.slice(0, 4).every((r) => r.fault === "throttle")).toBe(true);
    const gaps = attempts.slice(1).map((r, i) => r.timestamp - (attempts[i]!.timestamp + attempts[i]!.durationMs));
    // 120 · 2^(n-1) ± 25 %, never above 400: [90, 150], [180, 300], [300, 400], [300, 400], plus
    // scheduling slack. A timer never fires early, so the lower bounds are tight; a loaded machine
    // fires late, so the upper bounds allow 150 ms — still below the 720 ms an uncapped 4th wait takes.
    const expected = [120, 240, 400, 400];
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(Math.min(expected[i]! * 0.75, 400 * 0.75) - 5);
      expect(gap).toBeLessThanOrEqual(Math.min(expected[i]! * 1.25, 400) + 150);
    });

    // Still throttled after maxRetries: the read fails with ARM's error, after exactly 1 + 4 attempts.
    server.resetRequests();
    server.faults.throttle("GET", identityGet, Infinity, null);
    const throttled = await readChanges(plan, sessionFor(server, { ...bounds, retryDelayInMs: 10, maxRetryDelayInMs: 40 }), { prune: false });
    expect(throttled[0]!.identities[0]!.readError).toMatch(/^TooManyRequests \(HTTP 429\): /);
    expect(server.requests.filter((r) => identityGet.test(r.path))).toHaveLength(5);
  });

  it("survives connections dropped after the write was applied (the SDK retries; the PUTs are idempotent)", async () => {
    const plan = devPlan();
    const server = await serverFor(plan);
    for (const path of [/userAssignedIdentities\/[^/]+$/, /federatedIdentityCredentials\//, /roleAssignments\//, /roleDefinitions\//]) {
      server.faults.add({ method: "PUT", path, fault: { type: "drop", phase: "after-apply" } });
    }
    server.faults.add({ method: "PUT", path: /federatedIdentityCredentials\//, skip: 2, fault: { type: "drop", phase: "before-apply" } });
    const report = await apply(plan, sessionFor(server), { prune: false, ...FAST_RETRY });
    expect(failures(report.results)).toEqual([]);
    expect(server.requests.filter((r) => r.dropped)).toHaveLength(5);

    const reference = await serverFor(plan);
    await apply(plan, sessionFor(reference), { prune: false, ...FAST_RETRY });
    expect(normalisedState(server)).toEqual(normalisedState(reference));
    server.resetRequests();
    await apply(plan, sessionFor(server), { prune: false, ...FAST_RETRY });
    expect(server.requests.filter(isWrite)).toEqual([]);
  });

  it("an apply whose writes all fail after the 6th (the SDK gives up) converges on re-run to the uninterrupted end state", async () => {
    const plan = devPlan();
    const reference = await serverFor(plan);
    await apply(plan, sessionFor(reference), { prune: false, ...FAST_RETRY });

    const server = await serverFor(plan);
    const writeOutage = server.faults.add({ method: "PUT", path: /.*/, skip: 6, times: Infinity, fault: { type: "error", status: 500 } });
    const broken = await apply(plan, sessionFor(server, { maxRetries: 1 }), { prune: false, ...FAST_RETRY });
    expect(failures(broken.results).length).toBeGreaterThan(0);
    // Both identities were among the first writes: their IDs are known, so their outputs are too.
    expect(Object.keys(broken.outputs[0]?.identities ?? {})).toEqual(["analytics", "batch"]);
    expect(normalisedState(server)).not.toEqual(normalisedState(reference));

    writeOutage.cancel();
    const resumed = await apply(plan, sessionFor(server), { prune: false, ...FAST_RETRY });
    expect(failures(resumed.results)).toEqual([]);
    expect(normalisedState(server)).toEqual(normalisedState(reference));
  });

  it("an apply aborted after 5 writes starts no new write, and a re-run reaches the same end state as an uninterrupted run", async () => {
    const plan = devPlan();
    const reference = await serverFor(plan);
    await apply(plan, sessionFor(reference), { prune: false, ...FAST_RETRY });

    const server = await serverFor(plan);
    const interrupt = new AbortController();
    let written = 0;
    const report = await apply(plan, sessionFor(server), {
      prune: false,
      ...FAST_RETRY,
      abortSignal: interrupt.signal,
      onResult: (r) => {
        if (r.outcome === "created" && ++written === 5) interrupt.abort();
      },
    });
    expect(report.interrupted).toBe(true);
    expect(report.outputs).toEqual([]);
    expect(report.results.filter((r) => r.outcome === "skipped").length).toBeGreaterThan(0);
    const writesWhenAborted = server.requests.filter(isWrite).length;
    expect(writesWhenAborted).toBeLessThan(13);
    // Nothing keeps writing after apply returned.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.requests.filter(isWrite)).toHaveLength(writesWhenAborted);

    const resumed = await apply(plan, sessionFor(server), { prune: false, ...FAST_RETRY });
    expect(failures(resumed.results)).toEqual([]);
    expect(normalisedState(server)).toEqual(normalisedState(reference));
  });
});

describe("--prune", () => {
  it("deletes only what flotilla recorded as created: unplanned credentials with a `created` record and assignments with its description", async () => {
    const before = planOf(
      clusterWith("dev", [
        {
          name: "analytics",
          serviceAccounts: serviceAccounts("analytics", 2),
          roles: [
            { role: "Storage Blob Data Reader", scope: CONTAINER },
            { role: "AcrPull", scope: REGISTRY },
          ],
        },
        { name: "other", serviceAccounts: serviceAccounts("other", 1), roles: [{ role: "AcrPull", scope: REGISTRY }] },
      ]),
    );
    const after = planOf(
      clusterWith("dev", [
        { name: "analytics", serviceAccounts: serviceAccounts("analytics", 1), roles: [{ role: "Storage Blob Data Reader", scope: CONTAINER }] },
        { name: "adopted", serviceAccounts: serviceAccounts("adopted", 1) },
      ]),
    );
    const server = await serverFor(before);
    expect(failures((await apply(before, sessionFor(server), { prune: false, ...FAST_RETRY })).results)).toEqual([]);
    const cluster = after.clusters[0]!;
    const sub = cluster.subscriptionId;
    const analytics = server.state.getIdentity("rg-dev", "id-dev-analytics", sub)!;
    const other = server.state.getIdentity("rg-dev", "id-dev-other", sub)!;
    expect(analytics.tags).toMatchObject({ "flotilla-origin": "created", "flotilla-fic-analytics-sa-1": "created", "flotilla-fic-analytics-sa-2": "created" });
    const issuer = cluster.oidcIssuerUrl;
    // Added by hand to flotilla's identity, named as flotilla would name them or not: never flotilla's.
    server.state.seedFics("rg-dev", "id-dev-analytics", [
      { name: "ext-retired-vendor", issuer: "https://old-vendor.example.com/", subject: "job", audiences: [AUDIENCE] },
      { name: "hand-made", issuer, subject: "system:serviceaccount:analytics:debug", audiences: [AUDIENCE] },
      { name: "analytics-sa-9", issuer, subject: "system:serviceaccount:analytics:sa-9", audiences: [AUDIENCE] },
    ], sub);
    const reader = "/subscriptions/" + sub + "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7";
    server.state.seedRoleAssignment({ name: "1a1a1a1a-0000-4000-8000-000000000001", scope: `/subscriptions/${sub}/resourceGroups/rg-dev`, roleDefinitionId: reader, principalId: analytics.principalId, description: "granted by hand" });
    // An identity made by hand, with a credential named by flotilla's rule: adopted, the credential kept.
    server.state.seedIdentity("rg-dev", "id-dev-adopted", { subscriptionId: sub });
    server.state.seedFics("rg-dev", "id-dev-adopted", [{ name: "adopted-old", issuer, subject: "system:serviceaccount:adopted:old", audiences: [AUDIENCE] }], sub);

    const withoutPrune = await readChanges(after, sessionFor(server), { prune: false });
    expect(withoutPrune[0]!.identities.map((i) => [i.identity.planned.key, i.identity.action, i.prunable])).toEqual([
      ["adopted", "adopt", 0],
      ["analytics", "unchanged", 2],
    ]);

    server.resetRequests();
    const planned = await readChanges(after, sessionFor(server), { prune: true });
    const deletes = planned[0]!.identities.flatMap((i) =>
      [...i.fics, ...i.roleAssignments].filter((c) => c.action === "delete").map((c) => [`${i.identity.planned.key}/${c.name}`, c.reason]),
    );
    const acrPull = before.clusters[0]!.identities.find((i) => i.key === "analytics")!.roleAssignments.find((a) => a.roleName === "AcrPull")!;
    expect(deletes).toEqual([
      ["analytics/analytics-sa-2", "flotilla created it: tag flotilla-fic-analytics-sa-2=created on id-dev-analytics"],
      [`analytics/${acrPull.name}`, 'flotilla created it: description "managed by flotilla: cluster dev, identity analytics"'],
    ]);
    expect(server.requests.filter(isWrite)).toEqual([]);

    const report = await apply(after, sessionFor(server), { prune: true, ...FAST_RETRY });
    expect(failures(report.results)).toEqual([]);
    expect(report.results.filter((r) => r.outcome === "deleted")).toHaveLength(2);
    expect(server.writes({ method: "DELETE" })).toHaveLength(2);
    const analyticsNow = server.state.getIdentity("rg-dev", "id-dev-analytics", sub)!;
    expect([...analyticsNow.fics.values()].map((f) => f.name).sort()).toEqual(["analytics-sa-1", "analytics-sa-9", "ext-retired-vendor", "hand-made"]);
    expect(Object.keys(analyticsNow.tags).filter((t) => t.startsWith("flotilla-fic-"))).toEqual(["flotilla-fic-analytics-sa-1"]);
    const assignments = server.state.listRoleAssignments();
    expect(assignments.filter((a) => a.principalId === analytics.principalId).map((a) => a.description).sort()).toEqual([
      "granted by hand",
      "managed by flotilla: cluster dev, identity analytics",
    ]);
    // The identity no longer planned keeps everything (prune never touches unplanned identities).
    expect(assignments.filter((a) => a.principalId === other.principalId)).toHaveLength(1);
    const adopted = server.state.getIdentity("rg-dev", "id-dev-adopted", sub)!;
    expect([...adopted.fics.keys()]).toEqual(["adopted-old", "adopted-sa-1"]);
    expect(adopted.tags).toMatchObject({ "flotilla-origin": "adopted", "flotilla-fic-adopted-sa-1": "created" });
    expect(adopted.tags["flotilla-fic-adopted-old"]).toBeUndefined();

    // Once adopted and tagged, its hand-made credential is still not flotilla's: a second prune deletes nothing.
    server.resetRequests();
    const again = await apply(after, sessionFor(server), { prune: true, ...FAST_RETRY });
    expect(again.results.filter((r) => r.outcome === "deleted")).toEqual([]);
    expect(server.requests.filter(isWrite)).toEqual([]);
  });
});
