import { describe, expect, it } from "vitest";
import type { ClusterSpec, IdentitySpecInput } from "@flotilla/fleet";
import {
  FEDERATED_CREDENTIAL_NAME_PATTERN,
  planClusterIdentities,
  planIdentities,
  serviceAccountCredentialName,
  type ClusterIdentityPlan,
  type IdentityPlanProblem,
} from "../src/index.js";
import { baseInput, clusterWith, ISSUER, spec, SUBSCRIPTION, TENANT } from "./fixtures.js";

const RG = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-dev`;
const ROLE_DEFS = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions`;
const CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

function plan(cluster: ClusterSpec): ClusterIdentityPlan {
  const result = planClusterIdentities(cluster);
  expect(result.problems).toEqual([]);
  return result.plan;
}

function problems(cluster: ClusterSpec): IdentityPlanProblem[] {
  return planClusterIdentities(cluster).problems;
}

/** Exactly one problem, at `path`, whose message contains every part. */
function expectOnly(cluster: ClusterSpec, path: string, ...parts: string[]): void {
  const found = problems(cluster);
  expect(found.map((p) => p.path)).toEqual([path]);
  for (const part of parts) expect(found[0]?.message).toContain(part);
  expect(found[0]?.cluster).toBe(cluster.name);
}

const analytics: IdentitySpecInput = {
  name: "analytics",
  serviceAccounts: [{ namespace: "ns-a", name: "runner" }],
  workspaces: { namespaces: ["ns-b", "ns-c"], serviceAccount: "workspace" },
  external: [{ name: "vendor", issuer: "https://oidc.vendor.example.com", subject: "workspace:contoso:dataplane" }],
  roles: [{ role: "Storage Blob Data Contributor", scope: { storageContainer: { account: "stdevdata", container: "analytics" } } }],
};

describe("planClusterIdentities", () => {
  it("derives the identity, its credentials and role assignments", () => {
    const result = plan(clusterWith({ identities: [analytics] }));
    expect(result).toMatchObject({ cluster: "dev", tenantId: TENANT, subscriptionId: SUBSCRIPTION, oidcIssuerUrl: ISSUER, roleDefinitions: [] });
    expect(result.identities).toHaveLength(1);
    const identity = result.identities[0]!;
    expect(identity).toMatchObject({
      key: "analytics",
      name: "id-dev-analytics",
      resourceGroup: "rg-dev",
      location: "westeurope",
      tags: { "flotilla-cluster": "dev", "flotilla-identity": "analytics", "managed-by": "flotilla" },
      resourceId: `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-dev-analytics`,
    });
    expect(identity.federatedCredentials).toEqual([
      {
        name: "ext-vendor",
        issuer: "https://oidc.vendor.example.com",
        subject: "workspace:contoso:dataplane",
        audiences: ["api://AzureADTokenExchange"],
      },
      {
        name: "ns-a-runner",
        issuer: ISSUER,
        subject: "system:serviceaccount:ns-a:runner",
        audiences: ["api://AzureADTokenExchange"],
        serviceAccount: { namespace: "ns-a", name: "runner" },
      },
      {
        name: "ns-b-workspace",
        issuer: ISSUER,
        subject: "system:serviceaccount:ns-b:workspace",
        audiences: ["api://AzureADTokenExchange"],
        serviceAccount: { namespace: "ns-b", name: "workspace" },
      },
      {
        name: "ns-c-workspace",
        issuer: ISSUER,
        subject: "system:serviceaccount:ns-c:workspace",
        audiences: ["api://AzureADTokenExchange"],
        serviceAccount: { namespace: "ns-c", name: "workspace" },
      },
    ]);
    expect(identity.roleAssignments).toEqual([
      {
        name: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        scope: `${RG}/providers/Microsoft.Storage/storageAccounts/stdevdata/blobServices/default/containers/analytics`,
        roleDefinitionId: `${ROLE_DEFS}/${CONTRIBUTOR}`,
        roleName: "Storage Blob Data Contributor",
        principalType: "ServicePrincipal",
        description: "managed by flotilla: cluster dev, identity analytics",
      },
    ]);
  });

  it("keeps the cluster's issuer byte for byte, with or without a trailing slash", () => {
    for (const issuer of [ISSUER, ISSUER.slice(0, -1)]) {
      const input = baseInput();
      input.azure.oidcIssuerUrl = issuer;
      const result = plan(spec({ ...input, identities: [{ name: "a", serviceAccounts: [{ namespace: "ns-a", name: "sa" }] }] }));
      expect(result.identities[0]?.federatedCredentials[0]?.issuer).toBe(issuer);
      expect(result.oidcIssuerUrl).toBe(issuer);
    }
  });

  it("uses the identity's own resource group and keeps external audiences", () => {
    const result = plan(
      clusterWith({
        identities: [
          { name: "a", resourceGroup: "rg-identities", external: [{ name: "gh", issuer: "https://token.actions.githubusercontent.com", subject: "repo:contoso/x:ref:refs/heads/main", audience: "api://custom" }] },
        ],
      }),
    );
    expect(result.identities[0]?.resourceId).toBe(
      `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-identities/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-dev-a`,
    );
    expect(result.identities[0]?.federatedCredentials[0]?.audiences).toEqual(["api://custom"]);
  });

  it("builds the narrowest ARM scope for every scope kind", () => {
    const sa = { namespace: "ns-a", name: "sa" };
    const result = plan(
      clusterWith({
        identities: [
          {
            name: "a",
            serviceAccounts: [sa],
            roles: [
              { role: "Storage Blob Data Reader", scope: { storageAccount: { name: "stother", resourceGroup: "rg-data" } } },
              { role: "Key Vault Crypto User", scope: { keyVaultKey: { vault: "kv-dev", key: "sops" } } },
              { role: "Key Vault Secrets User", scope: { keyVaultSecret: { vault: "kv-dev", secret: "db-pass" } } },
              { role: "Key Vault Secrets User", scope: { keyVault: { name: "kv-dev" } } },
              { role: "AcrPull", scope: { containerRegistry: { name: "crdev01" } } },
              { role: "Reader", scope: { resourceGroup: "rg-other" } },
              { role: "Reader", scope: { subscription: true } },
            ],
          },
        ],
      }),
    );
    expect(result.identities[0]?.roleAssignments.map((a) => [a.roleName, a.scope])).toEqual([
      ["Reader", `/subscriptions/${SUBSCRIPTION}`],
      ["Storage Blob Data Reader", `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stother`],
      ["AcrPull", `${RG}/providers/Microsoft.ContainerRegistry/registries/crdev01`],
      ["Key Vault Secrets User", `${RG}/providers/Microsoft.KeyVault/vaults/kv-dev`],
      ["Key Vault Crypto User", `${RG}/providers/Microsoft.KeyVault/vaults/kv-dev/keys/sops`],
      ["Key Vault Secrets User", `${RG}/providers/Microsoft.KeyVault/vaults/kv-dev/secrets/db-pass`],
      ["Reader", `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-other`],
    ]);
  });

  it("plans custom role definitions and assigns them by their full ID", () => {
    const result = plan(
      clusterWith({
        identities: [{ name: "a", serviceAccounts: [{ namespace: "ns-a", name: "sa" }], roles: [{ role: { custom: "append-only" }, scope: { storageContainer: { account: "stdev", container: "logs" } } }] }],
        customRoles: [
          {
            name: "append-only",
            description: "Read and append blobs, never delete",
            actions: ["Microsoft.Storage/storageAccounts/blobServices/containers/read"],
            dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action"],
          },
        ],
      }),
    );
    const definition = result.roleDefinitions[0]!;
    expect(definition).toEqual({
      name: expect.stringMatching(/^[0-9a-f-]{36}$/),
      roleName: "flotilla-dev-append-only",
      description: "Read and append blobs, never delete (managed by flotilla: cluster dev, role append-only)",
      scope: RG,
      actions: ["Microsoft.Storage/storageAccounts/blobServices/containers/read"],
      notActions: [],
      dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action"],
      notDataActions: [],
      id: `${ROLE_DEFS}/${definition.name}`,
    });
    expect(result.identities[0]?.roleAssignments[0]).toMatchObject({ roleDefinitionId: definition.id, roleName: "flotilla-dev-append-only" });
  });

  it("sorts identities, credentials, role assignments and role definitions", () => {
    const result = plan(
      clusterWith({
        identities: [
          { name: "zeta", serviceAccounts: [{ namespace: "ns-c", name: "z" }, { namespace: "ns-a", name: "z" }] },
          { name: "alpha", serviceAccounts: [{ namespace: "ns-b", name: "a" }], roles: [{ role: "Reader", scope: { resourceGroup: "rg-b" } }, { role: "Reader", scope: { resourceGroup: "rg-a" } }] },
        ],
        customRoles: [{ name: "z-role", dataActions: ["Microsoft.Storage/x/read"] }, { name: "a-role", dataActions: ["Microsoft.Storage/x/read"] }],
      }),
    );
    expect(result.identities.map((i) => i.key)).toEqual(["alpha", "zeta"]);
    expect(result.identities[1]?.federatedCredentials.map((c) => c.name)).toEqual(["ns-a-z", "ns-c-z"]);
    expect(result.identities[0]?.roleAssignments.map((a) => a.scope)).toEqual([
      `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-a`,
      `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-b`,
    ]);
    expect(result.roleDefinitions.map((d) => d.roleName)).toEqual(["flotilla-dev-a-role", "flotilla-dev-z-role"]);
  });
});

describe("deterministic names", () => {
  const withRole = (scope: object, identityRg?: string) =>
    plan(
      clusterWith({
        identities: [{ name: "a", ...(identityRg ? { resourceGroup: identityRg } : {}), serviceAccounts: [{ namespace: "ns-a", name: "sa" }], roles: [{ role: "Storage Blob Data Reader", scope: scope as never }] }],
      }),
    ).identities[0]!.roleAssignments[0]!.name;

  it("gives the same role assignment GUID for the same identity, role and scope", () => {
    const scope = { storageContainer: { account: "stdev", container: "data" } };
    expect(withRole(scope)).toBe(withRole(scope));
    expect(withRole(scope)).toBe(withRole({ storageContainer: { account: "stdev", container: "data", resourceGroup: "rg-dev" } }));
  });

  it("gives a different GUID when the scope or the identity changes", () => {
    const base = withRole({ storageContainer: { account: "stdev", container: "data" } });
    expect(withRole({ storageContainer: { account: "stdev", container: "other" } })).not.toBe(base);
    expect(withRole({ storageAccount: { name: "stdev" } })).not.toBe(base);
    expect(withRole({ storageContainer: { account: "stdev", container: "data" } }, "rg-identities")).not.toBe(base);
  });

  it("ignores the case of ARM IDs (Azure compares them case-insensitively)", () => {
    expect(withRole({ resourceGroup: "RG-Data" })).toBe(withRole({ resourceGroup: "rg-data" }));
  });

  it("is stable across releases (a changed GUID would re-create every assignment)", () => {
    expect(withRole({ storageContainer: { account: "stdev", container: "data" } })).toMatchInlineSnapshot(`"da8f09b7-25f2-57af-86e9-a43ca7757147"`);
  });

  it("gives custom role definitions stable GUIDs that change with their scope", () => {
    const defined = (scope?: object) =>
      plan(clusterWith({ customRoles: [{ name: "r", dataActions: ["Microsoft.Storage/x/read"], ...(scope ? { scope: scope as never } : {}) }] }))
        .roleDefinitions[0]!.name;
    expect(defined()).toBe(defined({ resourceGroup: "rg-dev" }));
    expect(defined({ subscription: true })).not.toBe(defined());
  });

  it("names ServiceAccount credentials <namespace>-<name>, valid and at most 120 characters", () => {
    expect(serviceAccountCredentialName("flytesnacks-development", "default")).toBe("flytesnacks-development-default");
    expect(serviceAccountCredentialName("ns", "a.b.c")).toBe("ns-a-b-c");
    const long = serviceAccountCredentialName("n".repeat(63), `s${".x".repeat(100)}`);
    expect(long).toHaveLength(120);
    expect(long).toMatch(FEDERATED_CREDENTIAL_NAME_PATTERN);
    expect(long).not.toBe(serviceAccountCredentialName("n".repeat(63), `s${".x".repeat(99)}.y`));
  });

  it("plans the same bytes whatever the order of clusters and of identities in a spec", () => {
    const a = clusterWith({ identities: [analytics, { name: "other", serviceAccounts: [{ namespace: "ns-a", name: "other" }] }] });
    const b = clusterWith({ identities: [{ name: "other", serviceAccounts: [{ namespace: "ns-a", name: "other" }] }, analytics] });
    const prod = clusterWith({ identities: [{ name: "x", serviceAccounts: [{ namespace: "ns-a", name: "x" }] }] }, "prod");
    const first = planIdentities([a, prod]);
    const second = planIdentities([prod, b]);
    expect(first.problems).toEqual([]);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(first.plan.clusters.map((c) => c.cluster)).toEqual(["dev", "prod"]);
  });
});

describe("rules", () => {
  const many = (count: number) => Array.from({ length: count }, (_, i) => `ws-${String(i).padStart(2, "0")}`);
  const workspacesCluster = (count: number, extra: Partial<IdentitySpecInput> = {}) =>
    clusterWith({
      namespaces: many(count).map((name) => ({ name })),
      identities: [{ name: "analytics", workspaces: { namespaces: many(count), serviceAccount: "runner" }, ...extra }],
    });

  it("accepts 20 federated credentials on one identity", () => {
    expect(problems(workspacesCluster(20))).toEqual([]);
  });

  it("rejects more than 20 federated credentials, naming the identity, the count and how to split", () => {
    expectOnly(
      workspacesCluster(20, { external: [{ name: "vendor", issuer: "https://oidc.vendor.example.com", subject: "s" }] }),
      "identities[0]",
      'identity "analytics" has 21 federated credentials (20 workspace namespaces, 1 external)',
      "at most 20 per managed identity",
      'to a second identity such as "analytics-2"',
    );
  });

  it("rejects the same ServiceAccount twice in one identity", () => {
    expectOnly(
      clusterWith({ identities: [{ name: "a", serviceAccounts: [{ namespace: "ns-a", name: "sa" }], workspaces: { namespaces: ["ns-a"], serviceAccount: "sa" } }] }),
      "identities[0].workspaces.namespaces[0]",
      'ServiceAccount ns-a/sa is already federated by identity "a" at identities[0].serviceAccounts[0]',
    );
  });

  it("rejects the same ServiceAccount in two identities of the cluster", () => {
    expectOnly(
      clusterWith({
        identities: [
          { name: "a", serviceAccounts: [{ namespace: "ns-a", name: "sa" }] },
          { name: "b", serviceAccounts: [{ namespace: "ns-b", name: "x" }, { namespace: "ns-a", name: "sa" }] },
        ],
      }),
      "identities[1].serviceAccounts[1]",
      'ServiceAccount ns-a/sa is also federated by identity "a" (identities[0].serviceAccounts[0])',
      "carries one client-id annotation",
    );
  });

  it("rejects the same external issuer and subject twice", () => {
    const external = { issuer: "https://oidc.vendor.example.com", subject: "s" };
    expectOnly(
      clusterWith({ identities: [{ name: "a", external: [{ name: "one", ...external }, { name: "two", ...external }] }] }),
      "identities[0].external[1]",
      'external federation "two" is already federated by identity "a" at identities[0].external[0]',
    );
    expectOnly(
      clusterWith({ identities: [{ name: "a", external: [{ name: "one", ...external }] }, { name: "b", external: [{ name: "one", ...external }] }] }),
      "identities[1].external[0]",
      'is also federated by identity "a"',
    );
  });

  it("rejects two credentials that get the same name", () => {
    expectOnly(
      clusterWith({
        namespaces: [{ name: "a-b" }, { name: "a" }],
        identities: [{ name: "x", serviceAccounts: [{ namespace: "a-b", name: "c" }, { namespace: "a", name: "b-c" }] }],
      }),
      "identities[0].serviceAccounts[1]",
      'ServiceAccount a/b-c gets the federated credential name "a-b-c", already used by ServiceAccount a-b/c',
    );
  });

  it("rejects a ServiceAccount in a namespace synth does not render", () => {
    const cluster = clusterWith({ identities: [{ name: "a", serviceAccounts: [{ namespace: "ns-a", name: "sa" }], workspaces: { namespaces: ["ns-b"], serviceAccount: "w" } }] });
    const broken: ClusterSpec = { ...cluster, namespaces: [] };
    const found = problems(broken);
    expect(found.map((p) => p.path)).toEqual(["identities[0].serviceAccounts[0].namespace", "identities[0].workspaces.namespaces[0]"]);
    expect(found[0]?.message).toContain('ServiceAccount ns-a/sa would be in namespace "ns-a", which this cluster does not render; add { name: "ns-a" } to namespaces');
  });

  it("rejects an external federation with the cluster's own issuer", () => {
    expectOnly(
      clusterWith({ identities: [{ name: "a", external: [{ name: "self", issuer: ISSUER.slice(0, -1), subject: "system:serviceaccount:ns-a:x" }] }] }),
      "identities[0].external[0].issuer",
      "uses this cluster's own OIDC issuer; list the ServiceAccount in serviceAccounts or workspaces instead",
    );
  });

  it("rejects an identity without credentials", () => {
    expectOnly(clusterWith({ identities: [{ name: "idle", roles: [{ role: "Reader", scope: { resourceGroup: "rg-x" } }] }] }), "identities[0]", "has no federated credentials");
  });

  it("rejects a role granted twice on the same scope", () => {
    const scope = { storageAccount: { name: "stdev" } };
    expectOnly(
      clusterWith({ identities: [{ name: "a", serviceAccounts: [{ namespace: "ns-a", name: "sa" }], roles: [{ role: "Reader", scope }, { role: "Reader", scope: { storageAccount: { name: "stdev", resourceGroup: "rg-dev" } } }] }] }),
      "identities[0].roles[1]",
      '"Reader" on',
      "is already granted at identities[0].roles[0]",
    );
  });

  it("rejects a custom role assigned outside its assignable scope", () => {
    expectOnly(
      clusterWith({
        identities: [{ name: "a", serviceAccounts: [{ namespace: "ns-a", name: "sa" }], roles: [{ role: { custom: "r" }, scope: { storageAccount: { name: "stdata", resourceGroup: "rg-data" } } }] }],
        customRoles: [{ name: "r", dataActions: ["Microsoft.Storage/x/read"] }],
      }),
      "identities[0].roles[0].scope",
      `custom role "r" is defined at ${RG} and can only be assigned there or below`,
    );
  });

  it("reports unknown roles in specs that bypassed the schema", () => {
    const cluster = clusterWith({ identities: [{ name: "a", serviceAccounts: [{ namespace: "ns-a", name: "sa" }], roles: [{ role: "Reader", scope: { resourceGroup: "x" } }, { role: { custom: "r" }, scope: { resourceGroup: "x" } }] }], customRoles: [{ name: "r", dataActions: ["Microsoft.Storage/x/read"] }] });
    const broken: ClusterSpec = {
      ...cluster,
      customRoles: [],
      identities: cluster.identities.map((identity) => ({ ...identity, roles: [{ ...identity.roles[0]!, role: "Owner" }, identity.roles[1]!] })),
    };
    expect(problems(broken).map((p) => [p.path, p.message])).toEqual([
      ["identities[0].roles[0].role", expect.stringContaining('unknown built-in role "Owner"')],
      ["identities[0].roles[1].role.custom", 'custom role "r" is not defined in customRoles'],
    ]);
  });

  it("collects the problems of every cluster, sorted by cluster and path", () => {
    const bad = (name: string) => clusterWith({ identities: [{ name: "idle" }, { name: "idle2" }] }, name);
    const result = planIdentities([bad("prod"), bad("dev")]);
    expect(result.problems.map((p) => `${p.cluster}:${p.path}`)).toEqual(["dev:identities[0]", "dev:identities[1]", "prod:identities[0]", "prod:identities[1]"]);
  });
});
