import { describe, expect, it } from "vitest";
import {
  AksNodeClass,
  checkRequirementKey,
  checkSkuFamily,
  checkSkuSeries,
  GeneralNodePool,
  KarpenterNodePool,
  nodePoolProblems,
  PresetNodePool,
  requirementProblems,
  suggestSeries,
  type NodePoolOptions,
  type RequirementOptions,
} from "../src/index.js";
import { synth } from "./support/validate.js";

/** The only problem of a pool, as `[path, message]`. */
function onlyProblem(options: Partial<NodePoolOptions>): [string, string] {
  const problems = nodePoolProblems({ name: "pool", preset: "general", ...options });
  expect(problems, JSON.stringify(problems)).toHaveLength(1);
  return [problems[0]!.path.join("."), problems[0]!.message];
}

const requirementOf = (requirement: RequirementOptions) => onlyProblem({ requirements: [requirement] });

describe("requirement keys: only the Azure provider's", () => {
  it("names the Azure key for another provider's key", () => {
    const [path, message] = requirementOf({ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["m5"] });
    expect(path).toBe("requirements.0.key");
    expect(message).toBe(
      '"karpenter.k8s.aws/instance-family" is not a label of the Azure provider (no node ever has it, so pods stay pending); use karpenter.azure.com/sku-series (series, like "Ds_v5") or karpenter.azure.com/sku-family (one letter)',
    );
    expect(checkRequirementKey("karpenter.azure.com/sku-gpu")).toContain("use karpenter.azure.com/sku-gpu-name, sku-gpu-count or sku-gpu-manufacturer");
  });

  it("suggests the closest key for a typo, lists the domain's keys otherwise", () => {
    expect(checkRequirementKey("karpenter.azure.com/sku-familly")).toBe('"karpenter.azure.com/sku-familly" is not a requirement key of the Azure provider; did you mean "karpenter.azure.com/sku-family"?');
    expect(checkRequirementKey("karpenter.azure.com/vm-generation")).toMatch(/not a requirement key of the Azure provider; requirements select VM sizes with the provider's labels \(karpenter\.azure\.com\/sku-name, .*\); to label nodes, use labels instead/);
    expect(checkRequirementKey("example.com/team")).toMatch(/to label nodes, use labels instead$/);
  });

  it("rejects the keys Karpenter sets itself", () => {
    expect(checkRequirementKey("karpenter.sh/nodepool")).toBe('"karpenter.sh/nodepool" cannot be a requirement: Karpenter labels every node with its NodePool\'s name; select a pool in pods with nodeSelector instead');
  });

  it("accepts every documented key", () => {
    for (const key of ["karpenter.sh/capacity-type", "kubernetes.io/arch", "node.kubernetes.io/instance-type", "topology.kubernetes.io/zone", "karpenter.azure.com/sku-gpu-count", "kubernetes.azure.com/mode"]) {
      expect(checkRequirementKey(key), key).toBeUndefined();
    }
  });
});

describe("requirement values: the formats of the provider's labels", () => {
  it("sku-family is one letter: \"Dpsv5\" and \"d\" are rejected with the correct form", () => {
    expect(checkSkuFamily("D")).toBeUndefined();
    expect(checkSkuFamily("d")).toBe('sku-family is one upper-case letter: write "D", not "d"');
    expect(checkSkuFamily("Dpsv5")).toBe(
      'sku-family is only the first letter of the VM size (Standard_D4s_v5 → "D"), not "Dpsv5": no VM matches it and pods stay pending; the family of "Dpsv5" is "D", or select the series with karpenter.azure.com/sku-series "Dps_v5" (skuSeries)',
    );
    const [path, message] = onlyProblem({ skuFamilies: ["D", "Dpsv5"] });
    expect(path).toBe("skuFamilies.1");
    expect(message).toContain("sku-family is only the first letter of the VM size");
  });

  it("sku-series is like Dps_v5: \"Dpsv5\", \"dps_V5\" and \"Standard_D4ps_v5\" are rejected with the correct form", () => {
    for (const ok of ["Dps_v5", "Ds_v5", "NCads_v4", "Epds_v5", "D_v2"]) expect(checkSkuSeries(ok), ok).toBeUndefined();
    expect(checkSkuSeries("Dpsv5")).toBe(
      'sku-series is the family, sub-family and features followed by "_v" and the version, like "Dps_v5", "Ds_v5" or "NCads_v4" (Standard_D4ps_v5 → "Dps_v5"); "Dpsv5" matches no VM and pods would stay pending: write "Dps_v5"',
    );
    expect(suggestSeries("dps_V5")).toBe("Dps_v5");
    expect(suggestSeries("NCadsv4")).toBe("NCads_v4");
    expect(checkSkuSeries("Standard_D4ps_v5")).toMatch(/"Standard_D4ps_v5" matches no VM/);
    expect(onlyProblem({ skuSeries: ["Dpsv5"], preset: "arm64" })).toEqual(["skuSeries.0", expect.stringContaining('write "Dps_v5"')]);
  });

  it("sku-cpu and sku-memory are whole numbers (memory in MiB)", () => {
    expect(requirementOf({ key: "karpenter.azure.com/sku-memory", operator: "In", values: ["16Gi"] })).toEqual([
      "requirements.0.values.0",
      'sku-memory is a whole number of MiB written as a string, like "32768", not "16Gi": "16Gi" is "16384"',
    ]);
    expect(requirementOf({ key: "karpenter.azure.com/sku-cpu", operator: "In", values: ["4 vCPU"] })).toEqual([
      "requirements.0.values.0",
      'sku-cpu is a whole number of vCPUs written as a string, like "8", not "4 vCPU": write "4"',
    ]);
    expect(requirementOf({ key: "karpenter.azure.com/sku-cpu", operator: "Gt", values: ["eight"] })).toEqual([
      "requirements.0.values.0",
      'sku-cpu is a whole number of vCPUs written as a string, like "8", not "eight"',
    ]);
  });

  it("other label formats: architecture, capacity type, zone, version, VM size name", () => {
    expect(requirementProblems({ key: "kubernetes.io/arch", operator: "In", values: ["x86_64"] })[0]?.message).toBe('kubernetes.io/arch is one of "amd64", "arm64", not "x86_64": write "amd64"');
    expect(requirementProblems({ key: "karpenter.sh/capacity-type", operator: "In", values: ["Spot"] })[0]?.message).toContain('write "spot"');
    expect(requirementProblems({ key: "topology.kubernetes.io/zone", operator: "In", values: ["1"] })[0]?.message).toContain('zone 1 of westeurope is "westeurope-1"');
    expect(requirementProblems({ key: "karpenter.azure.com/sku-version", operator: "In", values: ["v5"] })[0]?.message).toContain('write "5"');
    expect(requirementProblems({ key: "node.kubernetes.io/instance-type", operator: "In", values: ["D4s_v5"] })[0]?.message).toContain('write "Standard_D4s_v5"');
  });

  it("operators fit the key and the values", () => {
    expect(requirementProblems({ key: "karpenter.azure.com/sku-family", operator: "Gt", values: ["3"] })).toEqual([
      { path: ["operator"], message: "Gt compares numbers, but karpenter.azure.com/sku-family (first letter of the VM size, like D) is not numeric; use In or NotIn" },
    ]);
    expect(requirementProblems({ key: "karpenter.azure.com/sku-cpu", operator: "Lt", values: ["4", "8"] })).toEqual([
      { path: ["values"], message: 'Lt takes exactly one whole number, like values: ["8"]; got ["4","8"]' },
    ]);
    expect(requirementProblems({ key: "karpenter.azure.com/sku-gpu-name", operator: "Exists", values: ["A100"] })).toEqual([
      { path: ["values"], message: "Exists takes no values; remove values, or use In/NotIn" },
    ]);
    expect(requirementProblems({ key: "karpenter.azure.com/sku-gpu-name", operator: "In", values: [] })[0]?.message).toContain("operator In needs at least one value");
    expect(requirementProblems({ key: "karpenter.azure.com/sku-family", operator: "In", values: ["D"], minValues: 2 })).toEqual([
      { path: ["minValues"], message: "minValues 2 needs at least 2 values; 1 given" },
    ]);
  });
});

describe("ARM64 series only with the arm64 architecture", () => {
  it("an ARM64 series in an amd64 pool", () => {
    expect(onlyProblem({ skuSeries: ["Ds_v5", "Dps_v5"] })).toEqual([
      "skuSeries.1",
      '"Dps_v5" is an ARM64 series (the "p" in its name: Ampere Altra/Cobalt), but the pool\'s architecture is amd64: no VM would match. Use preset "arm64" (or architecture: "arm64" for spot), or an x64 series such as "Ds_v5"',
    ]);
  });

  it("an x64 series in an arm64 pool", () => {
    expect(onlyProblem({ preset: "arm64", skuSeries: ["Ds_v5"] })).toEqual([
      "skuSeries.0",
      '"Ds_v5" has no ARM64 sizes, but the pool is arm64-only: no VM would match. ARM64 series have a "p" after the family, e.g. "Dps_v5", "Dpds_v5", "Eps_v5", "Dps_v6"',
    ]);
  });

  it("spot may choose arm64; general, gpu and arm64 may not change theirs", () => {
    expect(nodePoolProblems({ name: "s", preset: "spot", architecture: "arm64", skuSeries: ["Dps_v5"] })).toEqual([]);
    expect(onlyProblem({ preset: "general", architecture: "arm64" })).toEqual(["architecture", 'preset "general" is amd64 only; use preset "arm64", or preset "spot", which can be either']);
  });

  it("also in a generic KarpenterNodePool's requirements", () => {
    expect(
      () =>
        new KarpenterNodePool(synthScope(), {
          name: "x",
          nodeClass: "x",
          requirements: [
            { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
            { key: "karpenter.azure.com/sku-series", operator: "In", values: ["Epds_v5"] },
          ],
        }),
    ).toThrow('KarpenterNodePool "x": requirements[1].values[0]: "Epds_v5" is an ARM64 series');
  });
});

describe("what the presets decide", () => {
  it("capacity type and spot priority: spot is a separate pool", () => {
    expect(requirementOf({ key: "karpenter.sh/capacity-type", operator: "In", values: ["spot"] })).toEqual([
      "requirements.0.key",
      'capacity type comes from the preset: use preset "spot" for spot capacity (a separate pool, tainted), any other preset is on-demand',
    ]);
    expect(requirementOf({ key: "kubernetes.azure.com/scalesetpriority", operator: "In", values: ["spot"] })[1]).toContain('use preset "spot"');
    expect(requirementOf({ key: "kubernetes.io/arch", operator: "In", values: ["arm64"] })[1]).toContain('use preset "arm64"');
  });

  it("the spot taint only on the spot pool", () => {
    expect(onlyProblem({ preset: "gpu", taints: [{ key: "kubernetes.azure.com/scalesetpriority", value: "spot", effect: "NoSchedule" }] })).toEqual([
      "taints.0.key",
      'the spot taint (kubernetes.azure.com/scalesetpriority) belongs on the spot pool only; this gpu pool is on-demand, and spot workloads go to a separate pool with preset "spot"',
    ]);
  });

  it("GPU sizes are family N, and family N only in the gpu preset", () => {
    expect(onlyProblem({ preset: "gpu", skuFamilies: ["D"] })).toEqual([
      "skuFamilies.0",
      'NVIDIA GPU sizes are all in family "N" (NC, ND, NV series); family "D" has none, so the gpu pool could create nothing',
    ]);
    expect(onlyProblem({ skuFamilies: ["N"] })[1]).toContain('use preset "gpu", whose nodes carry the nvidia.com/gpu taint');
  });

  it("families and series must overlap", () => {
    expect(onlyProblem({ skuSeries: ["Es_v5"] })).toEqual([
      "skuSeries.0",
      'series "Es_v5" is in family "E", which the preset\'s families (D) exclude: no VM would match; add "E" to skuFamilies',
    ]);
  });

  it("families and series are chosen with skuFamilies/skuSeries (requirements may only exclude them)", () => {
    expect(requirementOf({ key: "karpenter.azure.com/sku-family", operator: "In", values: ["E"] })[1]).toBe(
      "select families with skuFamilies: [...] (a requirement may only exclude them, with NotIn)",
    );
    expect(nodePoolProblems({ name: "p", preset: "general", requirements: [{ key: "karpenter.azure.com/sku-series", operator: "NotIn", values: ["Ds_v3"] }] })).toEqual([]);
  });
});

describe("other fields", () => {
  it("durations, budgets, limits, weight, labels, name", () => {
    expect(onlyProblem({ expireAfter: "30d" })).toEqual(["expireAfter", 'expireAfter must be a duration in whole s, m or h like "720h" or "30m", or "Never"; got "30d": "30d" is "720h"']);
    expect(onlyProblem({ disruption: { consolidateAfter: "never" } })[1]).toContain('write "Never"');
    expect(onlyProblem({ disruption: { budgets: [{ nodes: "10%", schedule: "0 9 * * *" }] } })[1]).toContain("schedule and duration go together");
    expect(onlyProblem({ limits: { memory: "64GB" } })).toEqual(["limits.memory", 'expected a Kubernetes quantity like "100", "400Gi" or 8; got "64GB" (binary units are Ki, Mi, Gi, Ti: "64Gi")']);
    expect(onlyProblem({ weight: 0 })).toEqual(["weight", "weight must be a whole number from 1 to 100; got 0"]);
    expect(onlyProblem({ labels: { "karpenter.azure.com/sku-family": "D" } })[1]).toContain("is reserved");
    expect(nodePoolProblems({ name: "p", preset: "general", labels: { "node.kubernetes.io/role": "x", "example.com/team": "a" } })).toEqual([]);
    expect(onlyProblem({ name: "GPU_pool" })[0]).toBe("name");
  });

  it("AKSNodeClass settings", () => {
    expect(onlyProblem({ nodeClass: { osDiskSizeGB: 20 } })).toEqual(["nodeClass.osDiskSizeGB", "osDiskSizeGB must be a whole number from 30 to 2048; got 20"]);
    expect(onlyProblem({ nodeClass: { gpuMode: "None" } })).toEqual(["nodeClass.gpuMode", 'gpuMode only applies to GPU nodes: use it in a pool with preset "gpu"']);
    expect(onlyProblem({ nodeClass: { kubelet: { imageGCHighThresholdPercent: 60, imageGCLowThresholdPercent: 80 } } })[1]).toBe(
      "imageGCHighThresholdPercent (60) must be greater than imageGCLowThresholdPercent (80)",
    );
    expect(onlyProblem({ nodeClass: { vnetSubnetID: "subnet-1" } })[1]).toContain("expected a subnet resource ID like");
    expect(onlyProblem({ nodeClass: { tags: { "a?b": "x" } } })[0]).toBe("nodeClass.tags.a?b");
  });
});

describe("the constructs enforce the same checks", () => {
  it("a preset construct throws every problem with its path", () => {
    expect(() => new GeneralNodePool(synthScope(), { name: "general", skuFamilies: ["Dpsv5"], expireAfter: "30d" })).toThrow(
      /^general node pool "general": skuFamilies\[0\]: sku-family is only the first letter.*\ngeneral node pool "general": expireAfter: expireAfter must be a duration/,
    );
    expect(() => new PresetNodePool(synthScope(), { name: "gpu", preset: "gpu", taints: [{ key: "kubernetes.azure.com/scalesetpriority", value: "spot", effect: "NoSchedule" }] })).toThrow(
      /taints\[0\]\.key: the spot taint/,
    );
  });

  it("KarpenterNodePool and AksNodeClass throw for values the CRD would accept but Azure cannot satisfy", () => {
    expect(
      () => new KarpenterNodePool(synthScope(), { name: "x", nodeClass: "x", requirements: [{ key: "karpenter.azure.com/sku-family", operator: "In", values: ["Dpsv5"] }] }),
    ).toThrow('KarpenterNodePool "x": requirements[0].values[0]: sku-family is only the first letter of the VM size');
    expect(() => new AksNodeClass(synthScope(), { name: "x", osDiskSizeGB: 4096 })).toThrow('AksNodeClass "x": osDiskSizeGB: osDiskSizeGB must be a whole number from 30 to 2048; got 4096');
  });
});

/** A fresh chart to construct in (never synthesized). */
function synthScope() {
  let scope!: Parameters<Parameters<typeof synth>[0]>[0];
  synth((chart) => (scope = chart));
  return scope;
}
