import { describe, expect, it } from "vitest";
import { clusterSpecSchema } from "@flotilla/fleet";
import { KUSTOMIZE_CONTROLLER_IDENTITY, planClusterIdentities, plannedServiceAccounts } from "../src/index.js";

const base = {
  name: "prod",
  azure: {
    tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    subscriptionId: "7d2c3b1a-8e4f-4a6b-9c0d-1e2f3a4b5c6d",
    resourceGroup: "rg-ml-prod",
    location: "northeurope",
    oidcIssuerUrl: "https://northeurope.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/9c4e1d7b-3a2f-4b8e-a6d5-7f0c2e9b4a18/",
  },
  git: { url: "https://github.com/contoso/fleet" },
};

describe("kustomize-controller identity for Key Vault-encrypted secrets", () => {
  it("plans the identity, its credential for flux-system/kustomize-controller and Key Vault Crypto User on the key", () => {
    const spec = clusterSpecSchema.parse({ ...base, sops: { azureKeyVault: { vault: "kv-ml-prod", key: "sops", resourceGroup: "rg-keys" } } });
    const { plan, problems } = planClusterIdentities(spec);
    expect(problems).toEqual([]);
    const identity = plan.identities.find((entry) => entry.key === KUSTOMIZE_CONTROLLER_IDENTITY)!;
    expect(identity.name).toBe("id-prod-flux-kustomize-controller");
    expect(identity.resourceId).toBe("/subscriptions/7d2c3b1a-8e4f-4a6b-9c0d-1e2f3a4b5c6d/resourceGroups/rg-ml-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-prod-flux-kustomize-controller");
    expect(identity.federatedCredentials).toEqual([
      { name: "flux-system-kustomize-controller", issuer: base.azure.oidcIssuerUrl, subject: "system:serviceaccount:flux-system:kustomize-controller", audiences: ["api://AzureADTokenExchange"] },
    ]);
    expect(identity.roleAssignments).toEqual([
      expect.objectContaining({
        roleName: "Key Vault Crypto User",
        scope: "/subscriptions/7d2c3b1a-8e4f-4a6b-9c0d-1e2f3a4b5c6d/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-ml-prod/keys/sops",
        roleDefinitionId: "/subscriptions/7d2c3b1a-8e4f-4a6b-9c0d-1e2f3a4b5c6d/providers/Microsoft.Authorization/roleDefinitions/12338af0-0e69-4776-bea7-57ae8d297424",
      }),
    ]);
    // Flux owns that ServiceAccount: synth does not render it.
    const outputs = { cluster: "prod", tenantId: base.azure.tenantId, identities: { [KUSTOMIZE_CONTROLLER_IDENTITY]: { clientId: "c", principalId: "p", resourceId: identity.resourceId } } };
    expect(plannedServiceAccounts(plan, outputs)).toEqual([]);
  });

  it("plans nothing for age-only clusters and reports a clashing identity name", () => {
    const ageOnly = clusterSpecSchema.parse({ ...base, sops: { age: ["age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29"] } });
    expect(planClusterIdentities(ageOnly).plan.identities).toEqual([]);
    const clash = clusterSpecSchema.parse({
      ...base,
      namespaces: [{ name: "a" }],
      sops: { azureKeyVault: { vault: "kv-ml-prod", key: "sops" } },
      identities: [{ name: KUSTOMIZE_CONTROLLER_IDENTITY, serviceAccounts: [{ namespace: "a", name: "b" }] }],
    });
    expect(planClusterIdentities(clash).problems).toEqual([
      { cluster: "prod", path: "identities[0].name", message: expect.stringContaining("is reserved for Flux's kustomize-controller") },
    ]);
  });
});
