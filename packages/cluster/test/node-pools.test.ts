import { App } from "cdk8s";
import { describe, expect, it } from "vitest";
import { type ClusterSpecInput, clusterSpecSchema } from "@flotilla/fleet";
import { podSchedulingFor } from "@flotilla/karpenter";
import { type IdentityOutputs, planClusterIdentities } from "@flotilla/workload-identity";
import { ClusterChart, clusterDocuments } from "../src/index.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const SUBSCRIPTION = "0b1f6471-1bf0-4dda-aec3-cb9272f09590";
const NODE_RG = "MC_rg-dev_dev_westeurope";

function spec(extra: Partial<ClusterSpecInput>) {
  return clusterSpecSchema.parse({
    name: "dev",
    azure: {
      tenantId: TENANT,
      subscriptionId: SUBSCRIPTION,
      resourceGroup: "rg-dev",
      location: "westeurope",
      oidcIssuerUrl: `https://westeurope.oic.prod-aks.azure.com/${TENANT}/2f8b9a3c-5d1e-4c7a-9b6f-0e2d4a8c1b35/`,
    },
    git: { url: "https://github.com/contoso/fleet" },
    ...extra,
  });
}

const pools: ClusterSpecInput["nodePools"] = [
  { name: "general", preset: "general" },
  { name: "spot", preset: "spot" },
  { name: "gpu", preset: "gpu" },
];

interface Doc {
  dir: string;
  object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, unknown>; data?: Record<string, string> };
}

function documents(chart: ClusterChart): Doc[] {
  return clusterDocuments(chart).documents as Doc[];
}

const where = (docs: Doc[], kind: string) => docs.filter((d) => d.object.kind === kind).map((d) => `${d.dir}:${d.object.metadata.namespace ?? ""}/${d.object.metadata.name}`);

describe("node pools in node auto-provisioning mode", () => {
  it("NodePools and AKSNodeClasses go to the infrastructure layer, before the platforms; no controller, no CRDs", () => {
    const chart = new ClusterChart(new App(), spec({ karpenter: { mode: "node-auto-provisioning" }, nodePools: pools }));
    const docs = documents(chart);
    expect(where(docs, "NodePool")).toEqual(["infrastructure:/general", "infrastructure:/spot", "infrastructure:/gpu"]);
    expect(where(docs, "AKSNodeClass")).toEqual(["infrastructure:/general", "infrastructure:/spot", "infrastructure:/gpu"]);
    expect(chart.controllers).toBeUndefined();
    expect(chart.layers.map((layer) => layer.dir)).toEqual(["infrastructure", "platforms"]);
    expect(docs.some((d) => ["HelmRelease", "CustomResourceDefinition", "OCIRepository"].includes(d.object.kind))).toBe(false);
  });

  it("each object records the setting of the cluster file it renders (problems with it name that setting)", () => {
    const chart = new ClusterChart(
      new App(),
      spec({ karpenter: { mode: "node-auto-provisioning" }, nodePools: pools, namespaces: [{ name: "other" }, { name: "training", nodePool: "gpu" }] }),
    );
    const origins = clusterDocuments(chart).documents.map((d) => `${(d.object as Doc["object"]).kind}/${(d.object as Doc["object"]).metadata.name}: ${d.origin ?? "-"}`);
    expect(origins).toEqual(
      expect.arrayContaining([
        "NodePool/spot: nodePools[1]",
        "AKSNodeClass/gpu: nodePools[2]",
        "Namespace/training: namespaces[1]",
        "ConfigMap/node-pool-scheduling: namespaces[1].nodePool",
        "GitRepository/flotilla: git",
        // Generated from several settings: no single one to name.
        "Kustomization/infrastructure: -",
      ]),
    );
  });

  it("a namespace pinned to a pool gets the pool's scheduling constraints as Helm values", () => {
    const chart = new ClusterChart(
      new App(),
      spec({ karpenter: { mode: "node-auto-provisioning" }, nodePools: pools, namespaces: [{ name: "training", nodePool: "gpu" }, { name: "other" }] }),
    );
    const configMaps = documents(chart).filter((d) => d.object.kind === "ConfigMap");
    expect(configMaps.map((d) => `${d.dir}:${d.object.metadata.namespace}/${d.object.metadata.name}`)).toEqual(["infrastructure:training/node-pool-scheduling"]);
    const values = JSON.parse(configMaps[0]!.object.data!["values.yaml"]!) as unknown;
    const { nodeSelector, tolerations } = podSchedulingFor({ name: "gpu", preset: "gpu" });
    expect(values).toEqual({ nodeSelector, tolerations });
    expect(values).toEqual({ nodeSelector: { "karpenter.sh/nodepool": "gpu" }, tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }] });
  });
});

describe("self-hosted Karpenter", () => {
  const selfHosted = spec({
    karpenter: {
      mode: "self-hosted",
      clusterEndpoint: "https://dev-rg-dev-0b1f64-a1b2c3d4.hcp.westeurope.azmk8s.io:443",
      nodeResourceGroup: NODE_RG,
      vnetSubnetID: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${NODE_RG}/providers/Microsoft.Network/virtualNetworks/aks-vnet/subnets/aks-subnet`,
      sshPublicKey: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 azureuser",
    },
    nodePools: pools,
  });
  const plan = planClusterIdentities(selfHosted).plan;
  const outputs: IdentityOutputs = {
    cluster: "dev",
    tenantId: TENANT,
    identities: {
      karpenter: {
        clientId: "11111111-1111-4111-8111-000000000009",
        principalId: "22222222-2222-4222-8222-000000000009",
        resourceId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-dev-karpenter`,
      },
    },
  };

  it("the controller, its chart and its annotated ServiceAccount form a controllers layer that infrastructure depends on", () => {
    const chart = new ClusterChart(new App(), selfHosted, { identities: { plan, outputs } });
    const docs = documents(chart);
    expect(chart.layers.map((layer) => layer.dir)).toEqual(["controllers", "infrastructure", "platforms"]);
    expect(where(docs, "HelmRelease")).toEqual(["controllers:flux-system/karpenter"]);
    expect(where(docs, "OCIRepository")).toEqual(["controllers:flux-system/karpenter"]);
    expect(where(docs, "ServiceAccount")).toEqual(["controllers:kube-system/karpenter-sa"]);
    expect(where(docs, "NodePool")).toEqual(["infrastructure:/general", "infrastructure:/spot", "infrastructure:/gpu"]);
    const kustomization = (name: string) => docs.find((d) => d.object.kind === "Kustomization" && d.object.metadata.name === name)!.object.spec!;
    expect(kustomization("controllers")).toMatchObject({ path: "./clusters/dev/controllers", wait: true });
    expect(kustomization("controllers").dependsOn).toBeUndefined();
    expect(kustomization("infrastructure").dependsOn).toEqual([{ name: "controllers" }]);
    expect(kustomization("platforms").dependsOn).toEqual([{ name: "infrastructure" }]);
    const account = docs.find((d) => d.object.kind === "ServiceAccount")!.object as unknown as { metadata: { annotations: Record<string, string> } };
    expect(account.metadata.annotations["azure.workload.identity/client-id"]).toBe("11111111-1111-4111-8111-000000000009");
  });

  it("requires the identity plan and outputs", () => {
    expect(() => new ClusterChart(new App(), selfHosted)).toThrow("ClusterChart dev: the self-hosted Karpenter controller has an identity, so the cluster's identity plan and outputs are required");
  });
});
