import { describe, expect, it } from "vitest";
import { BUILT_IN_ROLES, clusterSpecSchema, type ClusterSpecInput, type IdentitySpecInput } from "../src/index.js";
import { problemsOf, specWith, validSpec } from "./fixtures.js";

/** Asserts exactly one problem, at `path`, whose message contains every `parts`. */
function expectOnly(exported: unknown, path: string, ...parts: string[]): void {
  const problems = problemsOf(exported);
  expect(problems.map((p) => p.path)).toEqual([path]);
  for (const part of parts) expect(problems[0]?.message).toContain(part);
}

const sa = { namespace: "analytics", name: "runner" };

/** `validSpec()` with namespace `analytics` and the given identity (and custom roles). */
function withIdentity(identity: Record<string, unknown>, customRoles?: unknown[]): unknown {
  return specWith((s) => {
    s.namespaces = [{ name: "analytics" }, { name: "analytics-staging" }];
    s.identities = [{ name: "analytics", serviceAccounts: [sa], ...identity }];
    if (customRoles !== undefined) s.customRoles = customRoles;
  });
}

const role = (r: unknown, scope: unknown) => withIdentity({ roles: [{ role: r, scope }] });

describe("built-in roles", () => {
  it("lists the published GUIDs (docs: Azure built-in roles)", () => {
    expect(Object.fromEntries(BUILT_IN_ROLES.map((r) => [r.name, r.id]))).toEqual({
      AcrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
      "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
      "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
      "Managed Identity Operator": "f1a07417-d97a-45cb-824c-7a7467783830",
      "Network Contributor": "4d97b98b-1d4f-4787-a291-c67834d212e7",
      Reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
      "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
      "Storage Blob Data Owner": "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
      "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
      "Virtual Machine Contributor": "9980e02c-c2be-4d73-94e8-173b1dc7cf3c",
    });
  });
});

describe("identities: valid specs", () => {
  it("defaults to no identities and no custom roles", () => {
    const spec = clusterSpecSchema.parse(validSpec());
    expect([spec.identities, spec.customRoles]).toEqual([[], []]);
  });

  it("fills every default from the cluster", () => {
    const input: ClusterSpecInput = {
      ...validSpec(),
      namespaces: [{ name: "analytics" }, { name: "analytics-staging" }],
      identities: [
        {
          name: "analytics",
          serviceAccounts: [sa],
          workspaces: { namespaces: ["analytics-staging"], serviceAccount: "ws" },
          external: [{ name: "vendor", issuer: "https://oidc.vendor.example.com/", subject: "org:contoso" }],
          roles: [
            { role: "Storage Blob Data Contributor", scope: { storageContainer: { account: "stdev", container: "data" } } },
            { role: { custom: "append" }, scope: { resourceGroup: "rg-data" } },
            { role: "Reader", scope: { subscription: true } },
          ],
        },
        { name: "other", resourceGroup: "rg-identities", external: [{ name: "x", issuer: "https://x.example.com", subject: "s", audience: "api://x" }] },
      ],
      customRoles: [{ name: "append", dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action"], scope: { subscription: true } }],
    };
    const spec = clusterSpecSchema.parse(input);
    expect(spec.identities).toEqual([
      {
        name: "analytics",
        resourceGroup: "rg-ml-dev",
        serviceAccounts: [sa],
        workspaces: { namespaces: ["analytics-staging"], serviceAccount: "ws" },
        external: [{ name: "vendor", issuer: "https://oidc.vendor.example.com/", subject: "org:contoso", audience: "api://AzureADTokenExchange" }],
        roles: [
          { role: "Storage Blob Data Contributor", scope: { storageContainer: { account: "stdev", container: "data", resourceGroup: "rg-ml-dev" } } },
          { role: { custom: "append" }, scope: { resourceGroup: "rg-data" } },
          { role: "Reader", scope: { subscription: true } },
        ],
      },
      {
        name: "other",
        resourceGroup: "rg-identities",
        serviceAccounts: [],
        workspaces: undefined,
        external: [{ name: "x", issuer: "https://x.example.com", subject: "s", audience: "api://x" }],
        roles: [],
      },
    ]);
    expect(spec.customRoles).toEqual([
      {
        name: "append",
        description: "Custom role append of cluster dev",
        actions: [],
        notActions: [],
        dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action"],
        notDataActions: [],
        scope: { subscription: true },
      },
    ]);
  });

  it.each([
    ["Storage Blob Data Reader", { storageAccount: { name: "stdev", resourceGroup: "rg-data" } }],
    ["Key Vault Crypto User", { keyVaultKey: { vault: "kv-dev", key: "sops-key" } }],
    ["Key Vault Secrets User", { keyVaultSecret: { vault: "kv-dev", secret: "db-pass" } }],
    ["Key Vault Secrets User", { keyVault: { name: "kv-dev" } }],
    ["AcrPull", { containerRegistry: { name: "crmldev" } }],
    ["Storage Blob Data Owner", { resourceGroup: "rg-data" }],
  ])("accepts %s on %j", (name, scope) => {
    expect(problemsOf(role(name, scope))).toEqual([]);
  });
});

describe("identities: problems", () => {
  it("rejects an invalid identity name and duplicate names", () => {
    expectOnly(withIdentity({ name: "Analytics" }), "identities[0].name", 'must be lowercase, got "Analytics" (use "analytics")');
    const twice = specWith((s) => {
      s.namespaces = [{ name: "analytics" }];
      s.identities = [{ name: "a", serviceAccounts: [sa] }, { name: "a", serviceAccounts: [sa] }];
    });
    expectOnly(twice, "identities[1].name", 'identity "a" is already declared at identities[0]');
  });

  it("rejects a ServiceAccount in a namespace the cluster does not render, with the fix", () => {
    expectOnly(
      withIdentity({ serviceAccounts: [{ namespace: "ml", name: "runner" }] }),
      "identities[0].serviceAccounts[0].namespace",
      'namespace "ml" is not rendered by this cluster',
      'add { name: "ml" } to namespaces (declared: "analytics", "analytics-staging")',
    );
    expectOnly(
      withIdentity({ workspaces: { namespaces: ["analytics-staging", "analytics-prod"], serviceAccount: "w" } }),
      "identities[0].workspaces.namespaces[1]",
      'namespace "analytics-prod" is not rendered by this cluster',
    );
  });

  it("reports a missing namespace even when other fields are invalid", () => {
    const problems = problemsOf(specWith((s) => ((s.flux = { timeout: "5" }), (s.identities = [{ name: "a", serviceAccounts: [{ namespace: "ml", name: "x" }] }]))));
    expect(problems.map((p) => p.path)).toEqual(["flux.timeout", "identities[0].serviceAccounts[0].namespace"]);
  });

  it("rejects invalid ServiceAccount names and empty workspaces", () => {
    expectOnly(withIdentity({ serviceAccounts: [{ namespace: "analytics", name: "Runner_1" }] }), "identities[0].serviceAccounts[0].name", "lowercase Kubernetes object name");
    expectOnly(withIdentity({ workspaces: { namespaces: [], serviceAccount: "w" } }), "identities[0].workspaces.namespaces", "list at least one namespace, or remove workspaces");
    expectOnly(withIdentity({ workspaces: { namespaces: ["analytics"] } }), "identities[0].workspaces.serviceAccount", "required: the name of the ServiceAccount");
  });

  it("checks external federations", () => {
    const external = (entries: unknown[]) => withIdentity({ external: entries });
    const ok = { name: "vendor", issuer: "https://oidc.vendor.example.com", subject: "org:contoso" };
    expectOnly(external([{ ...ok, issuer: "http://oidc.vendor.example.com" }]), "identities[0].external[0].issuer", "must use https://");
    expectOnly(external([{ ...ok, subject: " org " }]), "identities[0].external[0].subject", "must not start or end with spaces");
    expectOnly(external([{ ...ok, subject: "" }]), "identities[0].external[0].subject", "must not be empty");
    expectOnly(external([{ ...ok, audiences: ["x"] }]), "identities[0].external[0].audiences", "did you mean `audience`?");
    expectOnly(external([ok, { ...ok, subject: "other" }]), "identities[0].external[1].name", 'external federation "vendor" is already declared at external[0]');
  });

  it("rejects an unknown built-in role, suggesting the closest and pointing at customRoles", () => {
    expectOnly(
      role("Storage Blob Data Contibutor", { storageAccount: { name: "stdev" } }),
      "identities[0].roles[0].role",
      'unknown built-in role "Storage Blob Data Contibutor" (did you mean "Storage Blob Data Contributor"?)',
      "built-in roles flotilla knows: AcrPull, Key Vault Crypto User",
      'define it in customRoles and write role: { custom: "<name>" }',
    );
    expectOnly(role("Owner", { resourceGroup: "rg" }), "identities[0].roles[0].role", 'unknown built-in role "Owner";');
  });

  it("rejects a built-in role at a scope where it grants nothing", () => {
    expectOnly(
      role("AcrPull", { storageContainer: { account: "stdev", container: "data" } }),
      "identities[0].roles[0].scope",
      '"AcrPull" grants nothing on a storage container; use a scope of `containerRegistry`',
    );
    expectOnly(role("Key Vault Crypto User", { keyVaultSecret: { vault: "kv-dev", secret: "s" } }), "identities[0].roles[0].scope", "`keyVaultKey` or `keyVault`");
  });

  it("explains bad role values", () => {
    expectOnly(role(5, { resourceGroup: "rg" }), "identities[0].roles[0].role", "expected a built-in role name", "got number 5");
    expectOnly(role({ costum: "x" }, { resourceGroup: "rg" }), "identities[0].roles[0].role", "unknown field `costum`; did you mean `custom`?");
    expectOnly(withIdentity({ roles: [{ scope: { resourceGroup: "rg" } }] }), "identities[0].roles[0].role", "required: the role");
  });

  it("rejects a reference to an undefined custom role", () => {
    expectOnly(
      role({ custom: "append" }, { resourceGroup: "rg" }),
      "identities[0].roles[0].role.custom",
      'custom role "append" is not defined in customRoles; define it: customRoles: [{ name: "append", dataActions: [...] }]',
    );
    const withOthers = withIdentity({ roles: [{ role: { custom: "append" }, scope: { resourceGroup: "rg" } }] }, [
      { name: "reader", dataActions: ["Microsoft.Storage/x/read"] },
    ]);
    expectOnly(withOthers, "identities[0].roles[0].role.custom", 'defined custom roles: "reader"');
  });

  it("requires exactly one scope, and subscription only when written as true", () => {
    expectOnly(
      role("Reader", { storageAccount: { name: "stdev" }, keyVault: { name: "kv-dev" } }),
      "identities[0].roles[0].scope",
      "a scope names exactly one resource, got `storageAccount` and `keyVault`; write one role entry per scope",
    );
    expectOnly(role("Reader", {}), "identities[0].roles[0].scope", "required: the scope, one of `storageContainer`, `storageAccount`");
    expectOnly(role("Reader", { subscription: false }), "identities[0].roles[0].scope.subscription", "write { subscription: true }");
    expectOnly(role("Reader", { storageContaner: { account: "a", container: "b" } }), "identities[0].roles[0].scope.storageContaner", "did you mean `storageContainer`?");
    const typo = problemsOf(role("Reader", { storageContainer: { acount: "stdev", container: "data" } }));
    expect(typo.map((p) => [p.path, p.message])).toEqual([
      ["identities[0].roles[0].scope.storageContainer.account", "required: the storage account name"],
      ["identities[0].roles[0].scope.storageContainer.acount", "unknown field; did you mean `account`?"],
    ]);
  });

  it.each([
    [{ storageAccount: { name: "St_Dev" } }, "scope.storageAccount.name", 'lowercase letters and digits, got "St_Dev" (e.g. "stdev")'],
    [{ storageContainer: { account: "stdev", container: "a--b" } }, "scope.storageContainer.container", "single '-'"],
    [{ keyVault: { name: "1vault" } }, "scope.keyVault.name", "starting with a letter"],
    [{ keyVaultKey: { vault: "kv-dev", key: "a_b" } }, "scope.keyVaultKey.key", "letters, digits and '-'"],
    [{ containerRegistry: { name: "cr.azurecr.io" } }, "scope.containerRegistry.name", "not the login server"],
    [{ resourceGroup: "rg." }, "scope.resourceGroup", "must not end with '.'"],
  ])("rejects the scope %j", (scope, path, part) => {
    expectOnly(role("Reader", scope), `identities[0].roles[0].${path}`, part);
  });

  it("reports unknown identity fields with a suggestion", () => {
    expectOnly(withIdentity({ serviceAcounts: [] }), "identities[0].serviceAcounts", "did you mean `serviceAccounts`?");
    expectOnly(specWith((s) => (s.identity = [])), "identity", "did you mean `identities`?");
  });
});

describe("custom roles", () => {
  const custom = (entries: unknown[]) => specWith((s) => (s.customRoles = entries));

  it("requires something granted", () => {
    expectOnly(custom([{ name: "empty", notActions: ["Microsoft.Storage/x/delete"] }]), "customRoles[0]", "a custom role must grant something");
  });

  it("rejects '*' and malformed operations", () => {
    expectOnly(custom([{ name: "all", actions: ["*"] }]), "customRoles[0].actions[0]", '"*" grants every operation (like Owner)');
    expectOnly(custom([{ name: "x", dataActions: ["blobs/read"] }]), "customRoles[0].dataActions[0]", "expected an operation like");
    expect(problemsOf(custom([{ name: "reader", actions: ["*/read", "Microsoft.Storage/*/read"] }]))).toEqual([]);
  });

  it("rejects duplicate names, a bad scope and an empty description", () => {
    const ok = { dataActions: ["Microsoft.Storage/x/read"] };
    expectOnly(custom([{ name: "r", ...ok }, { name: "r", ...ok }]), "customRoles[1].name", 'custom role "r" is already declared at customRoles[0]');
    expectOnly(custom([{ name: "r", ...ok, scope: { resourceGroup: "rg", subscription: true } }]), "customRoles[0].scope", "not both");
    expectOnly(custom([{ name: "r", ...ok, scope: { storageAccount: { name: "x" } } }]), "customRoles[0].scope.storageAccount", "unknown field");
    expectOnly(custom([{ name: "r", ...ok, description: " " }]), "customRoles[0].description", "must not be empty");
  });
});

describe("the example clusters' identities", () => {
  it("accept a workspace identity, an external federation and a custom role", () => {
    const analytics: IdentitySpecInput = {
      name: "analytics",
      workspaces: { namespaces: ["analytics", "analytics-staging"], serviceAccount: "analytics-runner" },
      roles: [{ role: "Storage Blob Data Contributor", scope: { storageContainer: { account: "stmlprodanalytics", container: "analytics" } } }],
    };
    const vendor: IdentitySpecInput = {
      name: "vendor-dataplane",
      external: [{ name: "control-plane", issuer: "https://oidc.controlplane.example.com/", subject: "org:contoso:workspace:ml-prod:dataplane" }],
      roles: [{ role: { custom: "blob-append-only" }, scope: { storageContainer: { account: "stmlprodanalytics", container: "vendor-runs" } } }],
    };
    const spec = specWith((s) => {
      s.namespaces = [{ name: "analytics" }, { name: "analytics-staging" }];
      s.identities = [analytics, vendor];
      s.customRoles = [{ name: "blob-append-only", actions: ["Microsoft.Storage/storageAccounts/blobServices/containers/read"], dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action"] }];
    });
    expect(problemsOf(spec)).toEqual([]);
  });
});
