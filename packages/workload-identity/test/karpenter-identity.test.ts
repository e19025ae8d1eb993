import { describe, expect, it } from "vitest";
import type { ClusterSpecInput } from "@flotilla/fleet";
import { planClusterIdentities, plannedServiceAccounts, uuidV5, FLOTILLA_GUID_NAMESPACE } from "../src/index.js";
import { baseInput, ISSUER, spec, SUBSCRIPTION } from "./fixtures.js";

const NODE_RG = "MC_rg-dev_dev_westeurope";
const NODE_RG_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${NODE_RG}`;
const ROLE_DEFS = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions`;
const HUB_VNET = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/hub`;
const IDENTITY_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-dev-karpenter`;

function selfHosted(extra: Partial<ClusterSpecInput> = {}): ClusterSpecInput {
  return {
    ...baseInput(),
    karpenter: {
      mode: "self-hosted",
      clusterEndpoint: "https://dev-rg-dev-0b1f64-a1b2c3d4.hcp.westeurope.azmk8s.io:443",
      nodeResourceGroup: NODE_RG,
      vnetSubnetID: `${NODE_RG_ID}/providers/Microsoft.Network/virtualNetworks/aks-vnet/subnets/aks-subnet`,
      sshPublicKey: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 azureuser",
    },
    ...extra,
  };
}

describe("the self-hosted Karpenter controller's identity", () => {
  it("is planned like any identity: federated with kube-system/karpenter-sa, with the install guide's roles on the node resource group", () => {
    const { plan, problems } = planClusterIdentities(spec(selfHosted()));
    expect(problems).toEqual([]);
    expect(plan.identities.map((identity) => identity.key)).toEqual(["karpenter"]);
    const identity = plan.identities[0]!;
    expect(identity).toMatchObject({
      name: "id-dev-karpenter",
      resourceGroup: "rg-dev",
      location: "westeurope",
      tags: { "flotilla-cluster": "dev", "flotilla-identity": "karpenter", "managed-by": "flotilla" },
      resourceId: IDENTITY_ID,
    });
    expect(identity.federatedCredentials).toEqual([
      {
        name: "kube-system-karpenter-sa",
        issuer: ISSUER,
        subject: "system:serviceaccount:kube-system:karpenter-sa",
        audiences: ["api://AzureADTokenExchange"],
        serviceAccount: { namespace: "kube-system", name: "karpenter-sa" },
      },
    ]);
    const guid = (role: string) => `${ROLE_DEFS}/${role}`;
    expect(identity.roleAssignments.map(({ roleName, scope, roleDefinitionId, principalType, description }) => ({ roleName, scope, roleDefinitionId, principalType, description }))).toEqual([
      { roleName: "Managed Identity Operator", scope: NODE_RG_ID, roleDefinitionId: guid("f1a07417-d97a-45cb-824c-7a7467783830"), principalType: "ServicePrincipal", description: "managed by flotilla: cluster dev, identity karpenter" },
      { roleName: "Network Contributor", scope: NODE_RG_ID, roleDefinitionId: guid("4d97b98b-1d4f-4787-a291-c67834d212e7"), principalType: "ServicePrincipal", description: "managed by flotilla: cluster dev, identity karpenter" },
      { roleName: "Virtual Machine Contributor", scope: NODE_RG_ID, roleDefinitionId: guid("9980e02c-c2be-4d73-94e8-173b1dc7cf3c"), principalType: "ServicePrincipal", description: "managed by flotilla: cluster dev, identity karpenter" },
    ]);
    // Deterministic names, derived exactly like every other assignment's.
    const first = identity.roleAssignments[0]!;
    expect(first.name).toBe(uuidV5(FLOTILLA_GUID_NAMESPACE, `${IDENTITY_ID}\n${first.roleDefinitionId}\n${NODE_RG_ID}`.toLowerCase()));
  });

  it("gets Network Contributor on a custom virtual network that a node class's subnet is in", () => {
    const input = selfHosted({ nodePools: [{ name: "gpu", preset: "gpu", nodeClass: { vnetSubnetID: `${HUB_VNET}/subnets/gpu` } }] });
    const identity = planClusterIdentities(spec(input)).plan.identities[0]!;
    expect(identity.roleAssignments.filter((a) => a.scope === HUB_VNET).map((a) => a.roleName)).toEqual(["Network Contributor"]);
  });

  it("its ServiceAccount is one synth renders (plannedServiceAccounts), with the identity's client ID", () => {
    const { plan } = planClusterIdentities(spec(selfHosted()));
    const outputs = {
      cluster: "dev",
      tenantId: plan.tenantId,
      identities: { karpenter: { clientId: "c1000000-0000-4000-8000-000000000001", principalId: "p1000000-0000-4000-8000-000000000001", resourceId: IDENTITY_ID } },
    };
    expect(plannedServiceAccounts(plan, outputs)).toEqual([
      { identity: "karpenter", namespace: "kube-system", name: "karpenter-sa", clientId: "c1000000-0000-4000-8000-000000000001", tenantId: plan.tenantId, credential: "kube-system-karpenter-sa" },
    ]);
  });

  it("does not exist in node auto-provisioning mode (AKS runs the controller)", () => {
    const nap = spec({ ...baseInput(), karpenter: { mode: "node-auto-provisioning" }, nodePools: [{ name: "general", preset: "general" }] });
    expect(planClusterIdentities(nap).plan.identities).toEqual([]);
  });

  it("reserves the identity name", () => {
    const clash = spec(selfHosted({ identities: [{ name: "karpenter", serviceAccounts: [{ namespace: "ns-a", name: "x" }] }] }));
    expect(planClusterIdentities(clash).problems.map(({ path, message }) => `${path}: ${message}`)).toEqual([
      'identities[0].name: identity name "karpenter" is reserved for the self-hosted Karpenter controller (karpenter.mode: "self-hosted"); rename this identity',
    ]);
  });
});
