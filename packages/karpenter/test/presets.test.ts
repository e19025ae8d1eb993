import { describe, expect, it } from "vitest";
import {
  AksNodeClass,
  Arm64NodePool,
  GeneralNodePool,
  GpuNodePool,
  KarpenterNodePool,
  PRESET_NAMES,
  PRESETS,
  PresetNodePool,
  resolveNodePool,
  SpotNodePool,
} from "../src/index.js";
import { expectValid, only, synth, validator, type Manifest } from "./support/validate.js";

const requirement = (pool: Manifest, key: string) =>
  (pool.spec.template.spec.requirements as { key: string; operator: string; values?: string[] }[]).filter((r) => r.key === key);

describe("every preset", () => {
  for (const preset of PRESET_NAMES) {
    it(`${preset}: a NodePool and its AKSNodeClass that validate against the vendored CRDs (schema and CEL rules)`, () => {
      const manifests = synth((chart) => new PresetNodePool(chart, { name: `pool-${preset}`, preset }));
      expectValid(manifests);
      const nodePool = only(manifests, "NodePool");
      const nodeClass = only(manifests, "AKSNodeClass");
      expect(nodePool.apiVersion).toBe("karpenter.sh/v1");
      expect(nodeClass.apiVersion).toBe("karpenter.azure.com/v1beta1");
      expect(nodePool.metadata.name).toBe(`pool-${preset}`);
      expect(nodeClass.metadata.name).toBe(`pool-${preset}`);
      expect(nodePool.spec.template.spec.nodeClassRef).toEqual({ group: "karpenter.azure.com", kind: "AKSNodeClass", name: `pool-${preset}` });
      // Documented defaults, always written so the rendered object says what nodes get.
      const defaults = PRESETS[preset];
      expect(nodePool.spec.disruption).toEqual({
        consolidationPolicy: defaults.consolidationPolicy,
        consolidateAfter: defaults.consolidateAfter,
        budgets: [{ nodes: "10%" }],
      });
      expect(nodePool.spec.template.spec.expireAfter).toBe("720h");
      expect(nodePool.spec.limits).toEqual(defaults.limits);
      expect(nodeClass.spec).toEqual({ imageFamily: "Ubuntu", osDiskSizeGB: defaults.osDiskSizeGB });
      expect(requirement(nodePool, "kubernetes.io/os")).toEqual([{ key: "kubernetes.io/os", operator: "In", values: ["linux"] }]);
      expect(requirement(nodePool, "karpenter.azure.com/sku-family")[0]?.values).toEqual([...defaults.skuFamilies]);
    });
  }

  it("general: amd64 on demand, untainted", () => {
    const pool = only(synth((chart) => new GeneralNodePool(chart, { name: "general" })), "NodePool");
    expect(requirement(pool, "kubernetes.io/arch")[0]?.values).toEqual(["amd64"]);
    expect(requirement(pool, "karpenter.sh/capacity-type")[0]?.values).toEqual(["on-demand"]);
    expect(pool.spec.template.spec.taints).toBeUndefined();
  });

  it("arm64: arm64 on demand, untainted", () => {
    const pool = only(synth((chart) => new Arm64NodePool(chart, { name: "arm", skuSeries: ["Dps_v5", "Epds_v5"] })), "NodePool");
    expect(requirement(pool, "kubernetes.io/arch")[0]?.values).toEqual(["arm64"]);
    expect(requirement(pool, "karpenter.sh/capacity-type")[0]?.values).toEqual(["on-demand"]);
    expect(requirement(pool, "karpenter.azure.com/sku-series")[0]?.values).toEqual(["Dps_v5", "Epds_v5"]);
    expect(pool.spec.template.spec.taints).toBeUndefined();
  });

  it("gpu: NVIDIA requirement labels, the nvidia.com/gpu taint, GPU limits, only empty nodes consolidated", () => {
    const manifests = synth((chart) => new GpuNodePool(chart, { name: "gpu", requirements: [{ key: "karpenter.azure.com/sku-gpu-name", operator: "In", values: ["A100"] }] }));
    expectValid(manifests);
    const pool = only(manifests, "NodePool");
    expect(requirement(pool, "karpenter.azure.com/sku-family")[0]?.values).toEqual(["N"]);
    expect(requirement(pool, "karpenter.azure.com/sku-gpu-manufacturer")).toEqual([{ key: "karpenter.azure.com/sku-gpu-manufacturer", operator: "In", values: ["nvidia"] }]);
    expect(requirement(pool, "karpenter.azure.com/sku-gpu-name")[0]?.values).toEqual(["A100"]);
    expect(requirement(pool, "karpenter.sh/capacity-type")[0]?.values).toEqual(["on-demand"]);
    expect(pool.spec.template.spec.taints).toEqual([{ key: "nvidia.com/gpu", effect: "NoSchedule" }]);
    expect(pool.spec.limits["nvidia.com/gpu"]).toBe("8");
    expect(pool.spec.disruption.consolidationPolicy).toBe("WhenEmpty");
    expect(only(manifests, "AKSNodeClass").spec.osDiskSizeGB).toBe(256);
  });

  it("spot: a pool of its own with spot capacity and the spot taint; no other preset has either", () => {
    const pool = only(synth((chart) => new SpotNodePool(chart, { name: "spot", architecture: "arm64", skuSeries: ["Dps_v5"] })), "NodePool");
    expect(requirement(pool, "karpenter.sh/capacity-type")[0]?.values).toEqual(["spot"]);
    expect(requirement(pool, "kubernetes.io/arch")[0]?.values).toEqual(["arm64"]);
    expect(pool.spec.template.spec.taints).toEqual([{ key: "kubernetes.azure.com/scalesetpriority", value: "spot", effect: "NoSchedule" }]);
    for (const preset of PRESET_NAMES.filter((name) => name !== "spot")) {
      const other = only(synth((chart) => new PresetNodePool(chart, { name: preset, preset })), "NodePool");
      expect(requirement(other, "karpenter.sh/capacity-type")[0]?.values, preset).toEqual(["on-demand"]);
      expect(JSON.stringify(other.spec.template.spec.taints ?? []), preset).not.toContain("scalesetpriority");
    }
  });

  it("options override and merge with the preset: limits, disruption, expiry, weight, labels, taints, node class", () => {
    const manifests = synth(
      (chart) =>
        new GeneralNodePool(chart, {
          name: "batch",
          skuFamilies: ["D", "F"],
          requirements: [
            { key: "karpenter.azure.com/sku-cpu", operator: "Gte", values: ["8"] },
            { key: "topology.kubernetes.io/zone", operator: "In", values: ["westeurope-1", "westeurope-2"] },
            { key: "karpenter.azure.com/sku-series", operator: "NotIn", values: ["Ds_v3"] },
          ],
          taints: [{ key: "example.com/batch", effect: "NoSchedule" }],
          labels: { "example.com/team": "batch" },
          limits: { cpu: 48 },
          disruption: { consolidateAfter: "Never", budgets: [{ nodes: "0", schedule: "0 9 * * 1-5", duration: "8h" }, { nodes: "2", reasons: ["Drifted"] }] },
          expireAfter: "Never",
          weight: 50,
          nodeClass: {
            imageFamily: "AzureLinux",
            osDiskSizeGB: 64,
            maxPods: 110,
            vnetSubnetID: "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/nodes",
            tags: { costCenter: "ml" },
            kubelet: { imageGCHighThresholdPercent: 85, imageGCLowThresholdPercent: 70, containerLogMaxSize: "100Mi", podPidsLimit: 4096 },
            encryptionAtHost: true,
          },
        }),
    );
    expectValid(manifests);
    const pool = only(manifests, "NodePool");
    expect(pool.spec.limits).toEqual({ cpu: "48", memory: "400Gi" });
    expect(pool.spec.disruption).toEqual({
      consolidationPolicy: "WhenEmptyOrUnderutilized",
      consolidateAfter: "Never",
      budgets: [{ nodes: "0", schedule: "0 9 * * 1-5", duration: "8h" }, { nodes: "2", reasons: ["Drifted"] }],
    });
    expect(pool.spec.template.spec.expireAfter).toBe("Never");
    expect(pool.spec.weight).toBe(50);
    expect(pool.spec.template.metadata.labels).toEqual({ "example.com/team": "batch" });
    expect(pool.spec.template.spec.taints).toEqual([{ key: "example.com/batch", effect: "NoSchedule" }]);
    expect(requirement(pool, "karpenter.azure.com/sku-cpu")).toEqual([{ key: "karpenter.azure.com/sku-cpu", operator: "Gte", values: ["8"] }]);
    const nodeClass = only(manifests, "AKSNodeClass");
    expect(nodeClass.spec).toEqual({
      imageFamily: "AzureLinux",
      osDiskSizeGB: 64,
      maxPods: 110,
      vnetSubnetID: "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/nodes",
      tags: { costCenter: "ml" },
      kubelet: { imageGCHighThresholdPercent: 85, imageGCLowThresholdPercent: 70, containerLogMaxSize: "100Mi", podPidsLimit: 4096 },
      security: { encryptionAtHost: true },
    });
  });

  it("renders a resolved pool (ClusterSpec.nodePools[i]) exactly like its options", () => {
    const options = { name: "gpu", preset: "gpu" as const, limits: { "nvidia.com/gpu": 4 } };
    const fromOptions = synth((chart) => new PresetNodePool(chart, options));
    const fromResolved = synth((chart) => new PresetNodePool(chart, resolveNodePool(options)));
    expect(fromResolved).toEqual(fromOptions);
  });
});

describe("the generic constructs", () => {
  it("KarpenterNodePool refers to an AksNodeClass by construct or name and writes the documented defaults", () => {
    const manifests = synth((chart) => {
      const nodeClass = new AksNodeClass(chart, { name: "default-class" });
      new KarpenterNodePool(chart, { name: "a", nodeClass, requirements: [{ key: "karpenter.azure.com/sku-family", operator: "In", values: ["D"] }] });
      new KarpenterNodePool(chart, { name: "b", nodeClass: "default-class", requirements: [{ key: "karpenter.sh/capacity-type", operator: "In", values: ["spot"] }] });
    });
    expectValid(manifests);
    const pools = manifests.filter((m) => m.kind === "NodePool");
    expect(pools.map((p) => p.spec.template.spec.nodeClassRef.name)).toEqual(["default-class", "default-class"]);
    expect(pools[0]!.spec.disruption).toEqual({ consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "1m", budgets: [{ nodes: "10%" }] });
    expect(pools[0]!.spec.template.spec.expireAfter).toBe("720h");
    expect(only(manifests, "AKSNodeClass").spec).toEqual({ imageFamily: "Ubuntu", osDiskSizeGB: 128 });
  });

  it("the CRD schema alone accepts the published mistakes the checks reject (they are beyond the schema)", () => {
    const pool = only(synth((chart) => new KarpenterNodePool(chart, { name: "ok", nodeClass: "x", requirements: [{ key: "karpenter.azure.com/sku-family", operator: "In", values: ["D"] }] })), "NodePool");
    const mistaken = structuredClone(pool);
    mistaken.spec.template.spec.requirements = [
      { key: "karpenter.azure.com/sku-family", operator: "In", values: ["Dpsv5"] },
      { key: "karpenter.azure.com/sku-memory", operator: "In", values: ["16Gi"] },
      { key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["m5"] },
      { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
      { key: "karpenter.azure.com/sku-series", operator: "In", values: ["Dps_v5"] },
    ];
    expect(validator.validate(mistaken)).toEqual([]);
  });
});
