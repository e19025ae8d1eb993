/**
 * The local ARM server (test/support/arm-server) driven by the real Azure SDK clients
 * (@azure/arm-msi 2.2.0, @azure/arm-authorization 9.0.0) over HTTPS on 127.0.0.1.
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AUTHORIZATION_API_VERSION,
  createArmClients,
  fakeCredential,
  loopbackOnlyPolicy,
  MSI_API_VERSION,
  rawArmRequest,
  startArmServer,
  type ArmClients,
  type ArmServer,
  type ArmServerOptions,
} from "./support/arm-server/index.js";

const RG = "rg-flotilla";
const ISSUER = "https://oidc.prod-aks.azure.com/00000000-0000-0000-0000-000000000000/11111111-1111-1111-1111-111111111111/";
const AUDIENCES = ["api://AzureADTokenExchange"];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STORAGE_BLOB_DATA_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
const STORAGE_BLOB_DATA_OWNER = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
const ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d";

interface RestErrorLike {
  name: string;
  message: string;
  statusCode?: number;
  code?: string;
}

async function failure(p: Promise<unknown>): Promise<RestErrorLike> {
  try {
    await p;
  } catch (err) {
    return err as RestErrorLike;
  }
  throw new Error("expected the call to fail");
}

function expectArmError(err: RestErrorLike, statusCode: number, code: string): void {
  expect(err.name).toBe("RestError");
  expect({ statusCode: err.statusCode, code: err.code }).toEqual({ statusCode, code });
}

let server: ArmServer;
let sdk: ArmClients;

async function restart(options: ArmServerOptions = {}): Promise<void> {
  await server?.close();
  server = await startArmServer(options);
  sdk = createArmClients(server);
}

beforeEach(async () => restart());
afterEach(async () => server.close());

const scopeOfRg = () => `/subscriptions/${server.subscriptionId}/resourceGroups/${RG}`;
const roleDefId = (guid: string) => `/subscriptions/${server.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
const statuses = (method: string, path: RegExp) => server.requests.filter((r) => r.method === method && path.test(r.path)).map((r) => r.status);

describe("user-assigned identities", () => {
  it("PUT creates (201) then updates (200) keeping its GUIDs; GET and list by resource group follow nextLinks", async () => {
    await restart({ pageSize: 1 });
    const created = await sdk.msi.userAssignedIdentities.createOrUpdate(RG, "id-a", { location: "westeurope", tags: { team: "a" } });
    expect(created.id).toBe(`/subscriptions/${server.subscriptionId}/resourcegroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-a`);
    expect(created.type).toBe("Microsoft.ManagedIdentity/userAssignedIdentities");
    expect(created.tenantId).toBe(server.tenantId);
    expect(created.principalId).toMatch(GUID);
    expect(created.clientId).toMatch(GUID);

    const updated = await sdk.msi.userAssignedIdentities.createOrUpdate(RG, "id-a", { location: "westeurope", tags: { team: "b" } });
    expect([updated.principalId, updated.clientId]).toEqual([created.principalId, created.clientId]);
    expect(statuses("PUT", /id-a$/)).toEqual([201, 200]);

    const got = await sdk.msi.userAssignedIdentities.get(RG, "id-a");
    expect(got.tags).toEqual({ team: "b" });
    expect(got.location).toBe("westeurope");

    await sdk.msi.userAssignedIdentities.createOrUpdate(RG, "id-b", { location: "westeurope" });
    const names: string[] = [];
    for await (const i of sdk.msi.userAssignedIdentities.listByResourceGroup(RG)) names.push(i.name!);
    expect(names.sort()).toEqual(["id-a", "id-b"]);
    // pageSize 1: the second identity came from following nextLink ($skiptoken)
    expect(server.reads({ path: /userAssignedIdentities$/ }).map((r) => r.query.$skiptoken ?? "")).toEqual(["", "1"]);
    expect(server.requests.every((r) => r.apiVersion === MSI_API_VERSION)).toBe(true);
    expect((sdk.credential as ReturnType<typeof fakeCredential>).scopesRequested[0]).toEqual(["https://management.azure.com/.default"]);
  });

  it("unknown resource group → 404 ResourceGroupNotFound; missing identity → 404 ResourceNotFound; DELETE 200 then 204", async () => {
    expectArmError(await failure(sdk.msi.userAssignedIdentities.createOrUpdate("rg-nope", "id-a", { location: "westeurope" })), 404, "ResourceGroupNotFound");
    expectArmError(await failure(sdk.msi.userAssignedIdentities.get(RG, "id-missing")), 404, "ResourceNotFound");
    await sdk.msi.userAssignedIdentities.createOrUpdate(RG, "id-a", { location: "westeurope" });
    await sdk.msi.userAssignedIdentities.delete(RG, "id-a");
    await sdk.msi.userAssignedIdentities.delete(RG, "id-a");
    expect(statuses("DELETE", /id-a$/)).toEqual([200, 204]);
    expect(server.state.getIdentity(RG, "id-a")).toBeUndefined();
  });

  it("location is required: the SDK refuses client-side, the server answers 400 LocationRequired; location can't change", async () => {
    const sdkErr = await failure(sdk.msi.userAssignedIdentities.createOrUpdate(RG, "id-a", {} as { location: string }));
    expect(sdkErr.message).toMatch(/location/);
    expect(server.requests).toHaveLength(0);

    const path = `/subscriptions/${server.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-a?api-version=${MSI_API_VERSION}`;
    const raw = await rawArmRequest(server, { method: "PUT", path, body: { tags: {} } });
    expect(raw.status).toBe(400);
    expect(raw.json).toEqual({ error: { code: "LocationRequired", message: expect.any(String) } });

    await sdk.msi.userAssignedIdentities.createOrUpdate(RG, "id-a", { location: "westeurope" });
    expectArmError(await failure(sdk.msi.userAssignedIdentities.createOrUpdate(RG, "id-a", { location: "eastus" })), 400, "InvalidResourceLocation");
  });
});

describe("federated identity credentials", () => {
  const fic = (subject: string, audiences = AUDIENCES, issuer = ISSUER) => ({ issuer, subject, audiences });

  it("create 201, identical PUT 200, get, list, delete 200 then 204, get 404", async () => {
    server.state.seedIdentity(RG, "id-a");
    const fics = sdk.msi.federatedIdentityCredentials;
    const created = await fics.createOrUpdate(RG, "id-a", "fic-one", fic("system:serviceaccount:ns:sa"));
    expect(created).toMatchObject({ name: "fic-one", issuer: ISSUER, subject: "system:serviceaccount:ns:sa", audiences: AUDIENCES });
    expect(created.type).toBe("Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials");
    await fics.createOrUpdate(RG, "id-a", "fic-one", fic("system:serviceaccount:ns:sa"));
    await fics.createOrUpdate(RG, "id-a", "fic-two", fic("system:serviceaccount:ns:other"));
    expect(statuses("PUT", /federatedIdentityCredentials\//)).toEqual([201, 200, 201]);

    expect((await fics.get(RG, "id-a", "fic-one")).subject).toBe("system:serviceaccount:ns:sa");
    const listed: string[] = [];
    for await (const f of fics.list(RG, "id-a")) listed.push(f.name!);
    expect(listed).toEqual(["fic-one", "fic-two"]);

    await fics.delete(RG, "id-a", "fic-one");
    await fics.delete(RG, "id-a", "fic-one");
    expect(statuses("DELETE", /fic-one$/)).toEqual([200, 204]);
    expectArmError(await failure(fics.get(RG, "id-a", "fic-one")), 404, "ResourceNotFound");
  });

  it("validation: audiences, issuer, duplicate issuer+subject, 20-per-identity limit, missing parent", async () => {
    server.state.seedIdentity(RG, "id-a");
    const fics = sdk.msi.federatedIdentityCredentials;
    const bad = async (p: Promise<unknown>, message: RegExp) => {
      const err = await failure(p);
      expectArmError(err, 400, "BadRequest");
      expect(err.message).toMatch(message);
    };
    await bad(fics.createOrUpdate(RG, "id-a", "fic-aud", fic("s1", ["api://AzureADTokenExchange", "api://other"])), /exactly one audience/);
    await bad(fics.createOrUpdate(RG, "id-a", "fic-aud", fic("s1", [])), /exactly one audience/);
    await bad(fics.createOrUpdate(RG, "id-a", "fic-iss", fic("s1", AUDIENCES, "http://insecure.example/issuer")), /https URL/);

    await fics.createOrUpdate(RG, "id-a", "fic-one", fic("system:serviceaccount:ns:sa"));
    await bad(fics.createOrUpdate(RG, "id-a", "fic-dup", fic("system:serviceaccount:ns:sa")), /same issuer and subject already exists/);

    server.state.seedFics(RG, "id-a", Array.from({ length: 19 }, (_, i) => ({ name: `seeded-${i}`, issuer: ISSUER, subject: `s-${i}`, audiences: AUDIENCES })));
    expect(server.state.getIdentity(RG, "id-a")!.fics.size).toBe(20);
    await bad(fics.createOrUpdate(RG, "id-a", "fic-21st", fic("s-21")), /maximum number of 20/);
    // updating one of the 20 is still fine
    await fics.createOrUpdate(RG, "id-a", "seeded-0", fic("s-0-renamed"));

    expectArmError(await failure(fics.createOrUpdate(RG, "id-missing", "fic-one", fic("s"))), 404, "ParentResourceNotFound");
  });

  it("name pattern ^[a-zA-Z0-9]{1}[a-zA-Z0-9-_]{2,119}$ is enforced by the server (the SDK sends path parameters unvalidated)", async () => {
    server.state.seedIdentity(RG, "id-a");
    const sdkErr = await failure(sdk.msi.federatedIdentityCredentials.createOrUpdate(RG, "id-a", "-bad", fic("s")));
    expectArmError(sdkErr, 400, "BadRequest");
    expect(sdkErr.message).toMatch(/name '-bad' is invalid/);
    expect(server.requests.map((r) => r.status)).toEqual([400]);

    const base = `/subscriptions/${server.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-a/federatedIdentityCredentials`;
    const put = (name: string, subject: string) =>
      rawArmRequest(server, { method: "PUT", path: `${base}/${name}?api-version=${MSI_API_VERSION}`, body: { properties: fic(subject) } });
    for (const name of ["ab", "-abc", "_abc", `a${"b".repeat(120)}`, "abc.def"]) {
      const res = await put(name, `s-${name}`);
      expect([name, res.status, (res.json as { error: { code: string } }).error.code]).toEqual([name, 400, "BadRequest"]);
    }
    expect((await put(`a${"b".repeat(119)}`, "s-120")).status).toBe(201);
    expect((await put("a_b-c", "s-abc")).status).toBe(201);
  });

  it("concurrent writes to one identity: one succeeds, the other gets 409 ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity", async () => {
    await restart({ ficWriteLockMs: 150 }); // wide window: the two PUTs must overlap even on a loaded machine
    server.state.seedIdentity(RG, "id-a");
    server.state.seedIdentity(RG, "id-b");
    const fics = sdk.msi.federatedIdentityCredentials;
    const [first, second, otherIdentity] = await Promise.allSettled([
      fics.createOrUpdate(RG, "id-a", "fic-one", fic("s-one")),
      fics.createOrUpdate(RG, "id-a", "fic-two", fic("s-two")),
      fics.createOrUpdate(RG, "id-b", "fic-one", fic("s-one")),
    ]);
    const outcomes = [first, second].map((r) => r.status);
    expect(outcomes.sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = [first, second].find((r): r is PromiseRejectedResult => r.status === "rejected")!;
    expectArmError(rejected.reason as RestErrorLike, 409, "ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity");
    expect(otherIdentity.status).toBe("fulfilled"); // the lock is per identity
    expect(server.state.getIdentity(RG, "id-a")!.fics.size).toBe(1);
    // serialised writes are fine
    await fics.createOrUpdate(RG, "id-a", "fic-two", fic("s-two"));
    await fics.createOrUpdate(RG, "id-a", "fic-three", fic("s-three"));
    expect(server.state.getIdentity(RG, "id-a")!.fics.size).toBe(3);
  });
});

describe("faults and SDK retries", () => {
  it("429 with Retry-After: 1 is retried by the SDK after the advertised second", async () => {
    server.state.seedIdentity(RG, "id-a");
    const handle = server.faults.throttle("GET", /userAssignedIdentities\/id-a$/, 1, 1);
    const started = Date.now();
    const got = await sdk.msi.userAssignedIdentities.get(RG, "id-a");
    expect(got.name).toBe("id-a");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(statuses("GET", /id-a$/)).toEqual([429, 200]);
    expect(server.requests[0]!.errorCode).toBe("TooManyRequests");
    expect(handle.fired).toBe(1);
  });

  it("500 and 503 are retried with exponential back-off; persistent 500 surfaces after maxRetries (3)", async () => {
    server.state.seedIdentity(RG, "id-a");
    server.faults.add({ method: "GET", path: /id-a$/, times: 2, fault: { type: "error", status: 500 } });
    await sdk.msi.userAssignedIdentities.get(RG, "id-a");
    expect(statuses("GET", /id-a$/)).toEqual([500, 500, 200]);

    server.resetRequests();
    server.faults.add({ method: "GET", path: /id-a$/, fault: { type: "error", status: 503 } });
    await sdk.msi.userAssignedIdentities.get(RG, "id-a");
    expect(statuses("GET", /id-a$/)).toEqual([503, 200]);

    server.resetRequests();
    server.faults.add({ method: "GET", path: /id-a$/, times: Infinity, fault: { type: "error", status: 500 } });
    expectArmError(await failure(sdk.msi.userAssignedIdentities.get(RG, "id-a")), 500, "InternalServerError");
    expect(statuses("GET", /id-a$/)).toEqual([500, 500, 500, 500]);
  });

  it("a connection dropped before the write is applied is retried by the SDK (ECONNRESET is a retriable system error)", async () => {
    server.faults.add({ method: "PUT", path: /id-a$/, fault: { type: "drop", phase: "before-apply" } });
    const created = await sdk.msi.userAssignedIdentities.createOrUpdate(RG, "id-a", { location: "westeurope" });
    expect(created.principalId).toMatch(GUID);
    expect(server.writes().map((r) => [r.status, r.dropped])).toEqual([
      [0, true],
      [201, false],
    ]);
  });

  it("a connection dropped after the write was applied: the retry finds the write done (FIC PUT answers 200, not 201)", async () => {
    server.state.seedIdentity(RG, "id-a");
    server.faults.add({ method: "PUT", path: /federatedIdentityCredentials\/fic-one$/, fault: { type: "drop", phase: "after-apply" } });
    const result = await sdk.msi.federatedIdentityCredentials.createOrUpdate(RG, "id-a", "fic-one", fic("s"));
    expect(result.name).toBe("fic-one");
    expect(server.writes().map((r) => ({ status: r.status, dropped: r.dropped, unsent: r.unsentStatus }))).toEqual([
      { status: 0, dropped: true, unsent: 201 },
      { status: 200, dropped: false, unsent: undefined },
    ]);
  });

  it("connections dropped on every attempt surface as RestError code ECONNRESET after 1 + maxRetries attempts", async () => {
    server.faults.add({ method: "GET", path: /id-a$/, times: Infinity, fault: { type: "drop", phase: "before-apply" } });
    const err = await failure(sdk.msi.userAssignedIdentities.get(RG, "id-a"));
    expect(err.name).toBe("RestError");
    expect(err.code).toBe("ECONNRESET");
    expect(err.statusCode).toBeUndefined();
    expect(server.reads().filter((r) => r.dropped)).toHaveLength(4);
  });

  it("skip lets matching requests through before the fault fires", async () => {
    server.state.seedIdentity(RG, "id-a");
    const handle = server.faults.add({ method: "GET", path: /id-a$/, skip: 1, fault: { type: "error", status: 503, retryAfterSeconds: 0 } });
    await sdk.msi.userAssignedIdentities.get(RG, "id-a");
    await sdk.msi.userAssignedIdentities.get(RG, "id-a");
    expect(statuses("GET", /id-a$/)).toEqual([200, 503, 200]);
    expect([handle.fired, handle.remaining]).toEqual([1, 0]);
  });

  function fic(subject: string) {
    return { issuer: ISSUER, subject, audiences: AUDIENCES };
  }
});

describe("role assignments (2022-04-01)", () => {
  it("PrincipalNotFound while the new identity's principal replicates, then 201; identical PUT is idempotent (200)", async () => {
    const identity = await sdk.msi.userAssignedIdentities.createOrUpdate(RG, "id-a", { location: "westeurope" });
    const createdAt = Date.now();
    const name = randomUUID();
    const params = { roleDefinitionId: roleDefId(STORAGE_BLOB_DATA_READER), principalId: identity.principalId!, principalType: "ServicePrincipal" };

    const first = await failure(sdk.authorization.roleAssignments.create(scopeOfRg(), name, params));
    expectArmError(first, 400, "PrincipalNotFound");
    expect(first.message).toMatch(/does not exist in the directory/);

    let assignment;
    for (let attempt = 0; ; attempt++) {
      try {
        assignment = await sdk.authorization.roleAssignments.create(scopeOfRg(), name, params);
        break;
      } catch (err) {
        if ((err as RestErrorLike).code !== "PrincipalNotFound" || attempt > 20) throw err;
        await new Promise((r) => setTimeout(r, 40));
      }
    }
    expect(Date.now() - createdAt).toBeGreaterThanOrEqual(190);
    expect(assignment).toMatchObject({ name, scope: scopeOfRg(), principalId: identity.principalId, principalType: "ServicePrincipal" });
    expect(assignment.id).toBe(`${scopeOfRg()}/providers/Microsoft.Authorization/roleAssignments/${name}`);

    await sdk.authorization.roleAssignments.create(scopeOfRg(), name, params);
    const puts = statuses("PUT", /roleAssignments\//);
    expect(puts.slice(-2)).toEqual([201, 200]);
    expect(puts.slice(0, -2).every((s) => s === 400)).toBe(true);
    expect(server.requests.filter((r) => /roleAssignments/.test(r.path)).every((r) => r.apiVersion === AUTHORIZATION_API_VERSION)).toBe(true);
  });

  it("RoleAssignmentExists, RoleAssignmentUpdateNotPermitted, InvalidRoleAssignmentId, RoleDefinitionDoesNotExist, UnmatchedPrincipalType, unknown principal", async () => {
    const { principalId } = server.state.seedIdentity(RG, "id-a");
    const ra = sdk.authorization.roleAssignments;
    const params = { roleDefinitionId: roleDefId(ACR_PULL), principalId, principalType: "ServicePrincipal" };
    const name = randomUUID();
    await ra.create(scopeOfRg(), name, params);

    expectArmError(await failure(ra.create(scopeOfRg(), randomUUID(), params)), 409, "RoleAssignmentExists");
    expectArmError(await failure(ra.create(scopeOfRg(), name, { ...params, roleDefinitionId: roleDefId(STORAGE_BLOB_DATA_READER) })), 409, "RoleAssignmentUpdateNotPermitted");
    expectArmError(await failure(ra.create(`/subscriptions/${server.subscriptionId}`, name, params)), 409, "RoleAssignmentUpdateNotPermitted");
    expectArmError(await failure(ra.create(scopeOfRg(), "not-a-guid", params)), 400, "InvalidRoleAssignmentId");
    expectArmError(await failure(ra.create(scopeOfRg(), randomUUID(), { ...params, roleDefinitionId: roleDefId(randomUUID()) })), 400, "RoleDefinitionDoesNotExist");
    // principalType defaults to "User" (spec), which doesn't match a managed identity's service principal
    expectArmError(
      await failure(ra.create(scopeOfRg(), randomUUID(), { roleDefinitionId: roleDefId(STORAGE_BLOB_DATA_READER), principalId })),
      400,
      "UnmatchedPrincipalType",
    );
    expectArmError(await failure(ra.create(scopeOfRg(), randomUUID(), { ...params, principalId: randomUUID() })), 400, "PrincipalNotFound");
    expect(server.state.listRoleAssignments()).toHaveLength(1);
  });

  it("get, listForScope (no filter, atScope(), principalId eq), delete 200 then 204", async () => {
    const a = server.state.seedIdentity(RG, "id-a");
    const b = server.state.seedIdentity(RG, "id-b");
    const ra = sdk.authorization.roleAssignments;
    const sub = `/subscriptions/${server.subscriptionId}`;
    const identityScope = `${scopeOfRg()}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-b`;
    const nSub = randomUUID();
    const nRg = randomUUID();
    const nRes = randomUUID();
    await ra.create(sub, nSub, { roleDefinitionId: roleDefId(ACR_PULL), principalId: a.principalId, principalType: "ServicePrincipal" });
    await ra.create(scopeOfRg(), nRg, { roleDefinitionId: roleDefId(STORAGE_BLOB_DATA_READER), principalId: b.principalId, principalType: "ServicePrincipal" });
    await ra.create(identityScope, nRes, { roleDefinitionId: roleDefId(STORAGE_BLOB_DATA_READER), principalId: a.principalId, principalType: "ServicePrincipal" });

    expect((await ra.get(scopeOfRg(), nRg)).principalId).toBe(b.principalId);
    expectArmError(await failure(ra.get(sub, nRg)), 404, "RoleAssignmentNotFound");

    const names = async (it: AsyncIterable<{ name?: string }>) => {
      const out: string[] = [];
      for await (const x of it) out.push(x.name!);
      return out.sort();
    };
    expect(await names(ra.listForScope(scopeOfRg()))).toEqual([nSub, nRg, nRes].sort());
    expect(await names(ra.listForScope(scopeOfRg(), { filter: "atScope()" }))).toEqual([nSub, nRg].sort());
    expect(await names(ra.listForScope(scopeOfRg(), { filter: `principalId eq '${a.principalId}'` }))).toEqual([nSub, nRes].sort());
    expect(await names(ra.listForScope(identityScope, { filter: "atScope()" }))).toEqual([nSub, nRg, nRes].sort());
    const filtered = server.reads({ path: /roleAssignments$/ }).map((r) => r.query.$filter);
    expect(filtered).toEqual([undefined, "atScope()", `principalId eq '${a.principalId}'`, "atScope()"]);

    const deleted = await ra.delete(scopeOfRg(), nRg);
    expect(deleted.name).toBe(nRg);
    await ra.delete(scopeOfRg(), nRg);
    expect(statuses("DELETE", /roleAssignments\//)).toEqual([200, 204]);
  });
});

describe("role definitions (2022-04-01)", () => {
  it("built-ins are seeded; a custom role is created and updated (201 both, as the spec declares), names are unique, and it can be assigned", async () => {
    const rd = sdk.authorization.roleDefinitions;
    const sub = `/subscriptions/${server.subscriptionId}`;
    const owner = await rd.get(sub, STORAGE_BLOB_DATA_OWNER);
    expect([owner.roleName, owner.roleType, owner.id]).toEqual(["Storage Blob Data Owner", "BuiltInRole", `${sub}/providers/Microsoft.Authorization/roleDefinitions/${STORAGE_BLOB_DATA_OWNER}`]);

    const id = randomUUID();
    const definition = {
      roleName: "flotilla blob writer",
      description: "least privilege",
      roleType: "CustomRole",
      permissions: [{ actions: [], notActions: [], dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write"], notDataActions: [] }],
      assignableScopes: [scopeOfRg()],
    };
    const created = await rd.createOrUpdate(sub, id, definition);
    expect(created).toMatchObject({ name: id, roleName: "flotilla blob writer", roleType: "CustomRole", assignableScopes: [scopeOfRg()] });
    await rd.createOrUpdate(sub, id, { ...definition, description: "v2" });
    expect(statuses("PUT", /roleDefinitions\//)).toEqual([201, 201]);
    expect((await rd.get(sub, id)).description).toBe("v2");

    expectArmError(await failure(rd.createOrUpdate(sub, randomUUID(), definition)), 409, "RoleDefinitionWithSameNameExists");
    expectArmError(await failure(rd.get(sub, randomUUID())), 404, "RoleDefinitionDoesNotExist");

    const found: string[] = [];
    for await (const d of rd.list(sub, { filter: "roleName eq 'flotilla blob writer'" })) found.push(d.name!);
    expect(found).toEqual([id]);

    const { principalId } = server.state.seedIdentity(RG, "id-a");
    const assignment = await sdk.authorization.roleAssignments.create(scopeOfRg(), randomUUID(), {
      roleDefinitionId: created.id!,
      principalId,
      principalType: "ServicePrincipal",
    });
    expect(assignment.roleDefinitionId).toBe(created.id);
  });
});

describe("protocol", () => {
  const identityPath = () => `/subscriptions/${server.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-a`;

  it("answers JSON with x-ms-request-id; wrong api-version → 400 InvalidApiVersionParameter, missing → 400 MissingApiVersionParameter", async () => {
    server.state.seedIdentity(RG, "id-a");
    const ok = await rawArmRequest(server, { path: `${identityPath()}?api-version=${MSI_API_VERSION}` });
    expect(ok.status).toBe(200);
    expect(ok.headers["content-type"]).toMatch(/^application\/json/);
    expect(ok.headers["x-ms-request-id"]).toMatch(GUID);

    const wrong = await rawArmRequest(server, { path: `${identityPath()}?api-version=2023-01-31` });
    expect([wrong.status, (wrong.json as { error: { code: string } }).error.code]).toEqual([400, "InvalidApiVersionParameter"]);
    const wrongAuthz = await rawArmRequest(server, { path: `${scopeOfRg()}/providers/Microsoft.Authorization/roleAssignments?api-version=${MSI_API_VERSION}` });
    expect([wrongAuthz.status, (wrongAuthz.json as { error: { code: string } }).error.code]).toEqual([400, "InvalidApiVersionParameter"]);
    const missing = await rawArmRequest(server, { path: identityPath() });
    expect([missing.status, (missing.json as { error: { code: string } }).error.code]).toEqual([400, "MissingApiVersionParameter"]);
    expect(server.requests.map((r) => r.apiVersion)).toEqual([MSI_API_VERSION, "2023-01-31", MSI_API_VERSION, undefined]);
  });

  it("no bearer token → 401 with a WWW-Authenticate challenge; unknown paths → 404 in the ARM error shape", async () => {
    const noAuth = await rawArmRequest(server, { path: `${identityPath()}?api-version=${MSI_API_VERSION}`, token: null });
    expect(noAuth.status).toBe(401);
    expect(noAuth.json).toEqual({ error: { code: "AuthenticationFailed", message: expect.stringMatching(/Authorization/) } });
    expect(noAuth.headers["www-authenticate"]).toMatch(/^Bearer /);
    expect(noAuth.headers["x-ms-request-id"]).toMatch(GUID);

    const unknown = await rawArmRequest(server, { path: `/subscriptions/${server.subscriptionId}/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01` });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    const nonsense = await rawArmRequest(server, { path: "/nothing/here" });
    expect([nonsense.status, nonsense.headers["content-type"]]).toEqual([404, "application/json; charset=utf-8"]);
  });

  it("the loopback guard policy refuses non-loopback URLs before anything is sent", async () => {
    const policy = loopbackOnlyPolicy();
    let sent = false;
    const next = async () => {
      sent = true;
      return {} as never;
    };
    await expect(policy.sendRequest({ url: "https://management.azure.com/subscriptions", method: "GET" } as never, next)).rejects.toThrow(/non-loopback/);
    expect(sent).toBe(false);
    await policy.sendRequest({ url: `${server.url}/x`, method: "GET" } as never, next);
    expect(sent).toBe(true);
  });
});
