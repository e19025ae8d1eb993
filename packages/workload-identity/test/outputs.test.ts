import { describe, expect, it } from "vitest";
import {
  bootstrapApplyCommand,
  identityOutputsFor,
  type IdentityOutputs,
  parseIdentityOutputs,
  planClusterIdentities,
  serializeIdentityOutputs,
  validateIdentityOutputs,
} from "../src/index.js";
import { clusterWith, SUBSCRIPTION, TENANT } from "./fixtures.js";

const FILE = "apps/fleet/identity-outputs/dev.json";
const ID = (rg: string, name: string) =>
  `/subscriptions/${SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;

const outputs: IdentityOutputs = {
  cluster: "dev",
  tenantId: TENANT,
  identities: {
    analytics: { clientId: "11111111-1111-4111-8111-000000000001", principalId: "22222222-2222-4222-8222-000000000001", resourceId: ID("rg-dev", "id-dev-analytics") },
    "ml-jobs": { clientId: "11111111-1111-4111-8111-000000000002", principalId: "22222222-2222-4222-8222-000000000002", resourceId: ID("rg-dev", "id-dev-ml-jobs") },
  },
};

const plan = planClusterIdentities(
  clusterWith({
    identities: [
      { name: "analytics", serviceAccounts: [{ namespace: "ns-a", name: "runner" }] },
      { name: "ml-jobs", workspaces: { namespaces: ["ns-b"], serviceAccount: "jobs" } },
    ],
  }),
).plan;

describe("validateIdentityOutputs", () => {
  it("accepts the documented shape", () => {
    expect(validateIdentityOutputs(structuredClone(outputs), FILE)).toEqual({ ok: true, outputs });
  });

  it("reports every problem with the file and the field", () => {
    const result = validateIdentityOutputs(
      {
        cluster: "Dev",
        tenantId: "nope",
        extra: 1,
        identities: {
          analytics: { clientId: "x", principalId: "22222222-2222-4222-8222-000000000001", resourceId: "/subscriptions/x/resourceGroups/y", note: "" },
          "ml-jobs": "oops",
          Bad_Key: {},
        },
      },
      FILE,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.every((p) => p.file === FILE)).toBe(true);
    expect(result.problems.map((p) => [p.path, p.message])).toEqual([
      ["extra", "unknown field; expected only `cluster`, `tenantId`, `identities`"],
      ["cluster", 'expected the cluster name, got "Dev"'],
      ["tenantId", 'expected the tenant ID, a GUID, got "nope"'],
      ["identities.Bad_Key", expect.stringContaining("identity names are DNS labels")],
      ["identities.analytics.note", "unknown field; expected only `clientId`, `principalId`, `resourceId`"],
      ["identities.analytics.clientId", `expected the identity's client ID, a GUID, got "x"`],
      ["identities.analytics.resourceId", expect.stringContaining("expected the identity's ARM ID, /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>")],
      ['identities["ml-jobs"]', 'expected { clientId, principalId, resourceId }, got "oops"'],
    ]);
  });

  it("rejects a file that is not an object, or lacks identities", () => {
    expect(validateIdentityOutputs([], FILE)).toEqual({ ok: false, problems: [{ file: FILE, path: "", message: expect.stringContaining("expected a JSON object") }] });
    const result = validateIdentityOutputs({ cluster: "dev", tenantId: TENANT }, FILE);
    expect(result.ok === false && result.problems.map((p) => p.path)).toEqual(["identities"]);
  });
});

describe("parseIdentityOutputs and serializeIdentityOutputs", () => {
  it("round-trips, with a canonical byte layout", () => {
    const text = serializeIdentityOutputs({ ...outputs, identities: { "ml-jobs": outputs.identities["ml-jobs"]!, analytics: outputs.identities.analytics! } });
    expect(text).toBe(serializeIdentityOutputs(outputs));
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.indexOf('"analytics"')).toBeLessThan(text.indexOf('"ml-jobs"'));
    expect(parseIdentityOutputs(text, FILE)).toEqual({ ok: true, outputs });
  });

  it("reports invalid JSON, naming the file", () => {
    const result = parseIdentityOutputs("{ nope", FILE);
    expect(result).toEqual({ ok: false, problems: [{ file: FILE, path: "", message: expect.stringMatching(/^not valid JSON/) }] });
  });
});

describe("identityOutputsFor", () => {
  const text = serializeIdentityOutputs(outputs);

  it("returns the outputs when every planned identity has its entry", () => {
    expect(identityOutputsFor(plan, text, FILE)).toEqual({ ok: true, outputs, pending: [] });
  });

  it("without a file, every planned identity is pending (not a problem) and the outputs are empty", () => {
    expect(identityOutputsFor(plan, undefined, FILE)).toEqual({
      ok: true,
      outputs: { cluster: "dev", tenantId: TENANT, identities: {} },
      pending: ["analytics", "ml-jobs"],
    });
  });

  it("an identity without an entry is pending; the entries found are kept", () => {
    const result = identityOutputsFor(plan, serializeIdentityOutputs({ ...outputs, identities: { analytics: outputs.identities.analytics! } }), FILE);
    expect(result).toEqual({ ok: true, outputs: { ...outputs, identities: { analytics: outputs.identities.analytics! } }, pending: ["ml-jobs"] });
  });

  it("a stale entry stays a problem naming the command, whatever else is pending", () => {
    const stale = { ...outputs, identities: { analytics: { ...outputs.identities.analytics!, resourceId: ID("rg-old", "id-dev-analytics") } } };
    const result = identityOutputsFor(plan, serializeIdentityOutputs(stale), FILE);
    expect(result).toEqual({
      ok: false,
      problems: [{ file: FILE, path: "identities.analytics.resourceId", identity: "analytics", message: expect.stringContaining(`stale outputs: did its resource group change?); run \`${bootstrapApplyCommand("dev")}\``) }],
    });
  });

  it("rejects stale outputs: another resource ID, cluster or tenant", () => {
    const stale: IdentityOutputs = {
      cluster: "prod",
      tenantId: "33333333-3333-4333-8333-333333333333",
      identities: { ...outputs.identities, analytics: { ...outputs.identities.analytics!, resourceId: ID("rg-old", "id-dev-analytics") } },
    };
    const result = identityOutputsFor(plan, serializeIdentityOutputs(stale), FILE);
    expect(result.ok === false && result.problems.map((p) => [p.path, p.message])).toEqual([
      ["cluster", expect.stringContaining('this file is for cluster "prod", not dev')],
      ["tenantId", expect.stringContaining("is not the cluster's tenant")],
      ["identities.analytics.resourceId", expect.stringContaining("stale outputs")],
    ]);
  });

  it("compares resource IDs and tenants case-insensitively and ignores extra identities", () => {
    const upper: IdentityOutputs = {
      cluster: "dev",
      tenantId: TENANT.toUpperCase(),
      identities: {
        ...outputs.identities,
        analytics: { ...outputs.identities.analytics!, resourceId: outputs.identities.analytics!.resourceId.replace("resourceGroups/rg-dev", "resourcegroups/RG-DEV") },
        retired: outputs.identities.analytics!,
      },
    };
    expect(identityOutputsFor(plan, serializeIdentityOutputs(upper), FILE).ok).toBe(true);
  });

  it("needs no file for a cluster without identities", () => {
    const empty = planClusterIdentities(clusterWith({})).plan;
    expect(identityOutputsFor(empty, undefined, FILE)).toEqual({ ok: true, outputs: { cluster: "dev", tenantId: TENANT, identities: {} }, pending: [] });
  });
});
