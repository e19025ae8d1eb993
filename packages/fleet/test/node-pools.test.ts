import { describe, expect, it } from "vitest";
import { clusterSpecSchema, type ClusterSpecInput } from "../src/index.js";
import { problemsOf, SUBSCRIPTION, specWith, validSpec } from "./fixtures.js";

const NAP = { mode: "node-auto-provisioning" } as const;
const SUBNET = `/subscriptions/${SUBSCRIPTION}/resourceGroups/MC_rg-ml-dev_dev_westeurope/providers/Microsoft.Network/virtualNetworks/aks-vnet/subnets/aks-subnet`;
const SELF_HOSTED = {
  mode: "self-hosted",
  clusterEndpoint: "https://dev-rg-ml-dev-0b1f64-a1b2c3d4.hcp.westeurope.azmk8s.io:443",
  nodeResourceGroup: "MC_rg-ml-dev_dev_westeurope",
  vnetSubnetID: SUBNET,
  sshPublicKey: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 azureuser",
} as const;

/** `validSpec()` with Karpenter in NAP mode and `pools`. */
function withPools(pools: unknown[], extra: Record<string, unknown> = {}): unknown {
  return specWith((s) => Object.assign(s, { karpenter: NAP, nodePools: pools }, extra));
}

/** Every problem as `path: message`. */
function problems(exported: unknown): string[] {
  return problemsOf(exported).map((p) => `${p.path}: ${p.message}`);
}

describe("valid node pools", () => {
  it("fill every preset default: the validated spec is what is rendered", () => {
    const spec = clusterSpecSchema.parse({ ...validSpec(), karpenter: NAP, nodePools: [{ name: "gpu", preset: "gpu", limits: { "nvidia.com/gpu": 4 } }] });
    expect(spec.karpenter).toEqual(NAP);
    expect(spec.nodePools).toEqual([
      {
        name: "gpu",
        preset: "gpu",
        architecture: "amd64",
        capacityType: "on-demand",
        requirements: [
          { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
          { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
          { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
          { key: "karpenter.azure.com/sku-family", operator: "In", values: ["N"] },
          { key: "karpenter.azure.com/sku-gpu-manufacturer", operator: "In", values: ["nvidia"] },
        ],
        taints: [{ key: "nvidia.com/gpu", effect: "NoSchedule" }],
        labels: {},
        limits: { cpu: "200", memory: "1600Gi", "nvidia.com/gpu": "4" },
        disruption: { consolidationPolicy: "WhenEmpty", consolidateAfter: "10m", budgets: [{ nodes: "10%" }] },
        expireAfter: "720h",
        weight: undefined,
        nodeClass: { imageFamily: "Ubuntu", osDiskSizeGB: 256, tags: {} },
      },
    ]);
  });

  it("a general, a spot and a GPU pool, and a workspace pinned to one", () => {
    const input: ClusterSpecInput = {
      ...validSpec(),
      karpenter: NAP,
      namespaces: [{ name: "analytics", nodePool: "spot" }],
      nodePools: [
        { name: "general", preset: "general" },
        { name: "spot", preset: "spot", skuSeries: ["Ds_v5", "Es_v5"] },
        { name: "gpu", preset: "gpu", requirements: [{ key: "karpenter.azure.com/sku-gpu-name", operator: "In", values: ["A100"] }] },
      ],
    };
    expect(problemsOf(input)).toEqual([]);
    expect(clusterSpecSchema.parse(input).namespaces[0]?.nodePool).toBe("spot");
  });

  it("self-hosted settings with their defaults", () => {
    const spec = clusterSpecSchema.parse({ ...validSpec(), karpenter: SELF_HOSTED });
    expect(spec.karpenter).toEqual({
      ...SELF_HOSTED,
      clusterName: "dev",
      kubeletIdentity: undefined,
      network: { plugin: "azure", pluginMode: "overlay", policy: "none", dataplane: "cilium" },
      chartVersion: "1.14.2",
      bootstrapTokenSecret: "karpenter-bootstrap-token",
      replicas: 2,
      namespace: "kube-system",
      serviceAccount: "karpenter-sa",
    });
  });
});

describe("node pool problems, reported at load time with their paths", () => {
  it("the semantic checks of @flotilla/karpenter, each with the correct form", () => {
    const found = problems(
      withPools([
        { name: "spot", preset: "spot", skuSeries: ["Dpsv5"], skuFamilies: ["D", "e"] },
        {
          name: "gpu",
          preset: "gpu",
          requirements: [
            { key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["p4d"] },
            { key: "karpenter.azure.com/sku-memory", operator: "Gte", values: ["64Gi"] },
          ],
          taints: [{ key: "kubernetes.azure.com/scalesetpriority", value: "spot", effect: "NoSchedule" }],
        },
        { name: "general", preset: "general", skuSeries: ["Dps_v5"] },
      ]),
    );
    expect(found).toEqual([
      expect.stringMatching(/^nodePools\[0\]\.skuFamilies\[1\]: sku-family is one upper-case letter: write "E", not "e"$/),
      expect.stringMatching(/^nodePools\[0\]\.skuSeries\[0\]: sku-series is the family, .* "Dpsv5" matches no VM and pods would stay pending: write "Dps_v5"$/),
      expect.stringMatching(/^nodePools\[1\]\.requirements\[0\]\.key: "karpenter\.k8s\.aws\/instance-family" is not a label of the Azure provider/),
      expect.stringMatching(/^nodePools\[1\]\.requirements\[1\]\.values\[0\]: sku-memory is a whole number of MiB .* "64Gi" is "65536"$/),
      expect.stringMatching(/^nodePools\[1\]\.taints\[0\]\.key: the spot taint \(kubernetes\.azure\.com\/scalesetpriority\) belongs on the spot pool only/),
      expect.stringMatching(/^nodePools\[2\]\.skuSeries\[0\]: "Dps_v5" is an ARM64 series .* but the pool's architecture is amd64/),
    ]);
  });

  it("type errors first, with the expected type; semantic checks of other pools still run", () => {
    const found = problems(withPools([{ name: "a", preset: "general", skuFamilies: "D" }, { name: "b", preset: "cpu" }, { name: "c", preset: "general", expireAfter: "30d" }]));
    expect(found).toEqual([
      'nodePools[0].skuFamilies: expected a list, got "D"',
      'nodePools[1].preset: expected "general" or "arm64" or "gpu" or "spot", got "cpu"',
      'nodePools[2].expireAfter: expireAfter must be a duration in whole s, m or h like "720h" or "30m", or "Never"; got "30d": "30d" is "720h"',
    ]);
  });

  it("published AKSNodeClass fields that do not exist are explained", () => {
    const found = problems(withPools([{ name: "a", preset: "general", nodeClass: { osDiskType: "Ephemeral", dataDisks: [], amiFamily: "AL2", osDiskSizeGb: 64 } }]));
    expect(found).toEqual([
      expect.stringMatching(/^nodePools\[0\]\.nodeClass\.amiFamily: unknown field: amiFamily is a field of AWS's EC2NodeClass, not of AKSNodeClass/),
      expect.stringMatching(/^nodePools\[0\]\.nodeClass\.dataDisks: unknown field: AKSNodeClass has no data disks/),
      "nodePools[0].nodeClass.osDiskSizeGb: unknown field; did you mean `osDiskSizeGB`?",
      expect.stringMatching(/^nodePools\[0\]\.nodeClass\.osDiskType: unknown field: osDiskType is not in any released AKSNodeClass \(up to v1\.14\.2/),
    ]);
  });

  it("pools need a Karpenter mode; names are unique and not node auto-provisioning's own", () => {
    expect(problems(specWith((s) => (s.nodePools = [{ name: "general", preset: "general" }])))).toEqual([
      expect.stringMatching(/^karpenter: required when nodePools are declared: karpenter: \{ mode: "node-auto-provisioning" \}/),
    ]);
    expect(problems(withPools([{ name: "general", preset: "general" }, { name: "general", preset: "spot" }, { name: "system-surge", preset: "general" }]))).toEqual([
      'nodePools[1].name: node pool "general" is already declared at nodePools[0]; names must be unique',
      expect.stringMatching(/^nodePools\[2\]\.name: "system-surge" is the name of a NodePool and AKSNodeClass that node auto-provisioning creates and manages itself/),
    ]);
    expect(problems(withPools([{ name: "default", preset: "general" }], { karpenter: SELF_HOSTED }))).toEqual([]);
  });

  it("a pinned namespace names a declared pool", () => {
    expect(problems(withPools([{ name: "gpu", preset: "gpu" }], { namespaces: [{ name: "ml", nodePool: "gpus" }] }))).toEqual([
      'namespaces[0].nodePool: node pool "gpus" is not declared in nodePools (declared: "gpu")',
    ]);
  });

  it("the Karpenter mode and the self-hosted settings", () => {
    expect(problems(specWith((s) => (s.karpenter = { mode: "nap" })))).toEqual([
      'karpenter.mode: expected "node-auto-provisioning" or "self-hosted" (AKS runs Karpenter, or flotilla installs it), got "nap"',
    ]);
    expect(problems(specWith((s) => (s.karpenter = {})))).toEqual([
      'karpenter.mode: required: "node-auto-provisioning" or "self-hosted" (AKS runs Karpenter, or flotilla installs it)',
    ]);
    expect(problems(specWith((s) => (s.karpenter = { mode: "self-hosted" }))).map((p) => p.split(":")[0])).toEqual([
      "karpenter.clusterEndpoint",
      "karpenter.nodeResourceGroup",
      "karpenter.sshPublicKey",
      "karpenter.vnetSubnetID",
    ]);
    expect(problems(specWith((s) => (s.karpenter = { ...SELF_HOSTED, clusterEndpoint: "https://10.0.0.1", network: { policy: "calico" } })))).toEqual([
      expect.stringMatching(/^karpenter\.clusterEndpoint: expected the API server URL "https:\/\/<fqdn>:443"/),
      'karpenter.network.policy: expected "none" or "azure" or "cilium", got "calico"',
    ]);
    expect(problems(specWith((s) => (s.karpenter = { ...NAP, nodeResourceGroup: "MC_x" })))).toEqual([expect.stringMatching(/^karpenter\.nodeResourceGroup: unknown field/)]);
  });
});
