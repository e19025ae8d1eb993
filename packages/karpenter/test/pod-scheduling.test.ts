import { describe, expect, it } from "vitest";
import { GpuNodePool, podSchedulingFor, resolveNodePool, type NodePoolOptions } from "../src/index.js";
import { synth } from "./support/validate.js";

describe("podSchedulingFor", () => {
  it("gpu: the pool's node selector and a toleration of the nvidia.com/gpu taint", () => {
    expect(podSchedulingFor({ name: "gpu", preset: "gpu" })).toEqual({
      nodeSelector: { "karpenter.sh/nodepool": "gpu" },
      tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: "karpenter.sh/nodepool", operator: "In", values: ["gpu"] }] }],
          },
        },
      },
    });
  });

  it("a tainted workspace pool on spot: every taint tolerated, values matched exactly", () => {
    const pool: NodePoolOptions = { name: "analytics", preset: "spot", taints: [{ key: "example.com/workspace", value: "analytics", effect: "NoExecute" }] };
    expect(podSchedulingFor(pool).tolerations).toEqual([
      { key: "kubernetes.azure.com/scalesetpriority", operator: "Equal", value: "spot", effect: "NoSchedule" },
      { key: "example.com/workspace", operator: "Equal", value: "analytics", effect: "NoExecute" },
    ]);
  });

  it("general: no tolerations, only the node selector", () => {
    expect(podSchedulingFor({ name: "general", preset: "general" })).toMatchObject({ nodeSelector: { "karpenter.sh/nodepool": "general" }, tolerations: [] });
  });

  it("agrees with what the pool renders: options, resolved pool and construct give the same constraints", () => {
    const options: NodePoolOptions = { name: "train", preset: "gpu", taints: [{ key: "example.com/team", value: "ml", effect: "NoSchedule" }] };
    let fromConstruct: ReturnType<typeof podSchedulingFor> | undefined;
    const manifests = synth((chart) => (fromConstruct = new GpuNodePool(chart, options).scheduling));
    expect(podSchedulingFor(resolveNodePool(options))).toEqual(podSchedulingFor(options));
    expect(fromConstruct).toEqual(podSchedulingFor(options));
    const nodePool = manifests.find((m) => m.kind === "NodePool")!;
    const taints = nodePool.spec.template.spec.taints as { key: string; value?: string; effect: string }[];
    expect(podSchedulingFor(options).tolerations.map(({ key, value, effect }) => ({ key, ...(value === undefined ? {} : { value }), effect }))).toEqual(taints);
  });
});
