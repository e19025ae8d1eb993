import { describe, expect, it } from "vitest";
import { identitySettings, planClusterIdentities } from "../src/index.js";
import { baseInput, SUBSCRIPTION, spec } from "./fixtures.js";

const NODE_RG_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/MC_rg-dev_dev_westeurope`;

describe("the setting of the cluster file behind each planned identity", () => {
  it("names the identities entry, Flux's settings and karpenter, for every identity the plan holds", () => {
    const cluster = spec({
      ...baseInput(),
      identities: [
        { name: "runner", serviceAccounts: [{ namespace: "ns-a", name: "runner" }] },
        { name: "batch", serviceAccounts: [{ namespace: "ns-b", name: "batch" }] },
      ],
      sops: { azureKeyVault: { vault: "kv-dev", key: "sops" } },
      flux: { registry: { name: "crdev" } },
      karpenter: {
        mode: "self-hosted",
        clusterEndpoint: "https://dev-rg-dev-0b1f64-a1b2c3d4.hcp.westeurope.azmk8s.io:443",
        nodeResourceGroup: "MC_rg-dev_dev_westeurope",
        vnetSubnetID: `${NODE_RG_ID}/providers/Microsoft.Network/virtualNetworks/aks-vnet/subnets/aks-subnet`,
        sshPublicKey: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 azureuser",
      },
    });
    const settings = identitySettings(cluster, []);
    expect(Object.fromEntries(settings)).toEqual({
      runner: "identities[0]",
      batch: "identities[1]",
      "flux-kustomize-controller": "sops.azureKeyVault",
      "flux-source-controller": "flux.registry",
      "flux-image-reflector-controller": "flux.registry",
      karpenter: "karpenter",
    });
    const { plan, problems } = planClusterIdentities(cluster);
    expect(problems).toEqual([]);
    expect(plan.identities.map((identity) => identity.key).sort()).toEqual([...settings.keys()].sort());
  });
});
