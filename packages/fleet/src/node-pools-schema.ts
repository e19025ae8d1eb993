import * as z from "zod";
import {
  NODE_AUTO_PROVISIONING_RESERVED_NAMES,
  nodePoolProblems,
  resolveNodePool,
  resolveSelfHosted,
  selfHostedProblems,
  type ModelProblem,
  type SelfHostedKarpenterOptions,
} from "@flotilla/karpenter/model";
import { describeValue, showString } from "./describe-value.js";
import type { KarpenterSpec, KarpenterSpecInput, NodePoolSpec, NodePoolSpecInput } from "./node-pool-types.js";
import { ALWAYS, checkedString, list, oneOf, strictObject, typeError } from "./schema-helpers.js";
import { checkLabelKey, checkLabelValue } from "./validators/k8s-labels.js";

type Ctx = z.core.$RefinementCtx;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reports the problems of the shared model checks (`@flotilla/karpenter/model`) as zod issues. */
function report(ctx: Ctx, problems: readonly ModelProblem[]): void {
  for (const { path, message } of problems) ctx.addIssue({ code: "custom", path, message });
}

const text = (what: string) => z.string({ error: typeError(what, "a string") });
const whole = (what: string) => z.number({ error: typeError(what, "a number") });
const flag = (what: string) => z.boolean({ error: typeError(what, "true or false") });
const stringList = (what: string, element: string) => list(what, text(element));
const labels = (what: string) =>
  z.record(checkedString("the label key", checkLabelKey), checkedString("the label value", checkLabelValue), {
    error: typeError(what, "an object of label keys to string values"),
  });

const requirementSchema = strictObject("the requirement: { key, operator, values?, minValues? }", {
  key: text("the requirement key, e.g. \"karpenter.azure.com/sku-cpu\""),
  operator: oneOf("the operator", ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Gte", "Lte"]),
  values: stringList("the values", "a value").optional(),
  minValues: whole("minValues").optional(),
});

const taintSchema = strictObject("the taint: { key, value?, effect }", {
  key: checkedString("the taint key", checkLabelKey),
  value: checkedString("the taint value", checkLabelValue).optional(),
  effect: oneOf("the taint effect", ["NoSchedule", "PreferNoSchedule", "NoExecute"]),
});

const budgetSchema = strictObject("the budget: { nodes, schedule?, duration?, reasons? }", {
  nodes: text("nodes, a count like \"2\" or a percentage like \"10%\""),
  schedule: text("the schedule (cron)").optional(),
  duration: text("the duration").optional(),
  reasons: list("the reasons", oneOf("the reason", ["Underutilized", "Empty", "Drifted"])).optional(),
});

const disruptionSchema = strictObject("the disruption settings: { consolidationPolicy?, consolidateAfter?, budgets? }", {
  consolidationPolicy: oneOf("the consolidation policy", ["WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced"]).optional(),
  consolidateAfter: text("consolidateAfter").optional(),
  budgets: list("the budgets", budgetSchema).optional(),
});

const kubeletSchema = strictObject("the kubelet settings", {
  cpuManagerPolicy: oneOf("the CPU manager policy", ["none", "static"]).optional(),
  topologyManagerPolicy: oneOf("the topology manager policy", ["none", "restricted", "best-effort", "single-numa-node"]).optional(),
  cpuCFSQuota: flag("cpuCFSQuota").optional(),
  imageGCHighThresholdPercent: whole("imageGCHighThresholdPercent").optional(),
  imageGCLowThresholdPercent: whole("imageGCLowThresholdPercent").optional(),
  containerLogMaxSize: text("containerLogMaxSize").optional(),
  containerLogMaxFiles: whole("containerLogMaxFiles").optional(),
  podPidsLimit: whole("podPidsLimit").optional(),
  allowedUnsafeSysctls: stringList("the allowed unsafe sysctls", "a sysctl").optional(),
});

const nodeClassSchema = strictObject("the AKSNodeClass settings", {
  imageFamily: oneOf("the image family", ["Ubuntu", "Ubuntu2204", "Ubuntu2404", "AzureLinux"]).optional(),
  osDiskSizeGB: whole("osDiskSizeGB").optional(),
  vnetSubnetID: text("the subnet ID").optional(),
  maxPods: whole("maxPods").optional(),
  tags: z.record(z.string(), text("the tag value"), { error: typeError("the tags", "an object of tag names to strings") }).optional(),
  kubelet: kubeletSchema.optional(),
  gpuMode: oneOf("the GPU mode", ["Driver", "None"]).optional(),
  encryptionAtHost: flag("encryptionAtHost").optional(),
});

const nodePoolSchema = strictObject("the node pool: { name, preset, ... }", {
  name: text("the pool name, a DNS label like \"gpu\""),
  preset: oneOf("the preset", ["general", "arm64", "gpu", "spot"]),
  architecture: oneOf("the architecture", ["amd64", "arm64"]).optional(),
  skuFamilies: stringList("the VM families", "a VM family, one letter like \"D\"").optional(),
  skuSeries: stringList("the VM series", "a VM series like \"Dps_v5\"").optional(),
  requirements: list("the requirements", requirementSchema).optional(),
  taints: list("the taints", taintSchema).optional(),
  labels: labels("the node labels").optional(),
  limits: z
    .record(z.string(), z.union([z.string(), z.number()], { error: (issue) => `expected a quantity like "100", "400Gi" or 8, got ${describeValue(issue.input)}` }), {
      error: typeError("the limits", "an object of resource names to quantities"),
    })
    .optional(),
  disruption: disruptionSchema.optional(),
  expireAfter: text("expireAfter").optional(),
  weight: whole("weight").optional(),
  nodeClass: nodeClassSchema.optional(),
}).superRefine((pool, ctx) => report(ctx, nodePoolProblems(pool as NodePoolSpecInput)));

/** `nodePools`: each pool checked by the shared model checks (`nodePoolProblems`). */
export const nodePoolsSchema = list("the node pools", nodePoolSchema).default([]);

const networkSchema = strictObject("the network settings: { plugin?, pluginMode?, policy?, dataplane? }", {
  plugin: oneOf("the network plugin", ["azure", "none"]).optional(),
  pluginMode: oneOf("the network plugin mode", ["overlay", "none"]).optional(),
  policy: oneOf("the network policy", ["none", "azure", "cilium"]).optional(),
  dataplane: oneOf("the network dataplane", ["azure", "cilium"]).optional(),
});

const napSchema = strictObject("the Karpenter settings: { mode: \"node-auto-provisioning\" }", {
  mode: z.literal("node-auto-provisioning"),
});

const selfHostedSchema = strictObject("the self-hosted Karpenter settings", {
  mode: z.literal("self-hosted"),
  clusterEndpoint: text("the API server URL nodes join, \"https://<fqdn>:443\""),
  nodeResourceGroup: text("the node resource group (az aks show --query nodeResourceGroup -o tsv)"),
  vnetSubnetID: text("the nodes' default subnet ID"),
  sshPublicKey: text("the nodes' SSH public key (\"ssh-rsa AAAA...\")"),
  clusterName: text("the AKS cluster name").optional(),
  kubeletIdentity: strictObject("the kubelet identity: { resourceId, clientId }", {
    resourceId: text("the kubelet identity's resource ID"),
    clientId: text("the kubelet identity's client ID"),
  }).optional(),
  network: networkSchema.optional(),
  chartVersion: text("the chart version").optional(),
  bootstrapTokenSecret: text("the name of the bootstrap token Secret").optional(),
  replicas: whole("replicas").optional(),
}).superRefine((settings, ctx) => {
  // Runs even when some fields have the wrong type (those are skipped), to report all at once.
  const raw: unknown = settings;
  if (isObject(raw)) report(ctx, selfHostedProblems(raw as unknown as SelfHostedKarpenterOptions));
}, ALWAYS);

const MODES = ["node-auto-provisioning", "self-hosted"] as const;

/** `karpenter`: how Karpenter runs (required when the cluster has node pools). */
export const karpenterSchema = z
  .discriminatedUnion("mode", [napSchema, selfHostedSchema], {
    error: (issue) => {
      if (issue.input === undefined) return undefined;
      if (!isObject(issue.input)) return `expected an object like { mode: "node-auto-provisioning" }, got ${describeValue(issue.input)}`;
      const mode = issue.input.mode;
      const expected = MODES.map((m) => JSON.stringify(m)).join(" or ");
      return mode === undefined
        ? `required: ${expected} (AKS runs Karpenter, or flotilla installs it)`
        : `expected ${expected} (AKS runs Karpenter, or flotilla installs it), got ${describeValue(mode)}`;
    },
  })
  .optional();

/**
 * Cross-field checks on the raw cluster: pools need a Karpenter mode, pool names are unique and
 * not AKS's own in node auto-provisioning mode, and a namespace pinned to a pool names one.
 */
export function checkNodePoolReferences(value: unknown, ctx: Ctx): void {
  if (!isObject(value)) return;
  const pools = Array.isArray(value.nodePools) ? (value.nodePools as unknown[]) : [];
  const names = new Map<string, number>();
  pools.forEach((pool, index) => {
    const name = isObject(pool) ? pool.name : undefined;
    if (typeof name !== "string") return;
    const first = names.get(name);
    if (first !== undefined) {
      ctx.addIssue({ code: "custom", path: ["nodePools", index, "name"], message: `node pool ${showString(name)} is already declared at nodePools[${first}]; names must be unique` });
      return;
    }
    names.set(name, index);
    const mode = isObject(value.karpenter) ? value.karpenter.mode : undefined;
    if (mode === "node-auto-provisioning" && NODE_AUTO_PROVISIONING_RESERVED_NAMES.includes(name)) {
      ctx.addIssue({
        code: "custom",
        path: ["nodePools", index, "name"],
        message: `${showString(name)} is the name of a NodePool and AKSNodeClass that node auto-provisioning creates and manages itself; Flux and AKS would overwrite each other: choose another name`,
      });
    }
  });
  if (pools.length > 0 && value.karpenter === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["karpenter"],
      message:
        'required when nodePools are declared: karpenter: { mode: "node-auto-provisioning" } (AKS runs Karpenter: az aks update --node-provisioning-mode Auto) or { mode: "self-hosted", ... } (flotilla installs the controller)',
    });
  }
  if (!Array.isArray(value.namespaces)) return;
  (value.namespaces as unknown[]).forEach((namespace, index) => {
    const pool = isObject(namespace) ? namespace.nodePool : undefined;
    if (typeof pool !== "string" || names.has(pool)) return;
    const declared = names.size === 0 ? "none are declared" : `declared: ${[...names.keys()].map((n) => JSON.stringify(n)).join(", ")}`;
    ctx.addIssue({ code: "custom", path: ["namespaces", index, "nodePool"], message: `node pool ${showString(pool)} is not declared in nodePools (${declared})` });
  });
}

/** The node pools and Karpenter settings of a parsed cluster with every default filled. */
export function nodePoolDefaults(cluster: {
  name: string;
  nodePools: NodePoolSpecInput[];
  karpenter?: KarpenterSpecInput | undefined;
}): { nodePools: NodePoolSpec[]; karpenter: KarpenterSpec | undefined } {
  const { karpenter } = cluster;
  return {
    nodePools: cluster.nodePools.map(resolveNodePool),
    karpenter:
      karpenter === undefined || karpenter.mode === "node-auto-provisioning"
        ? karpenter && { mode: "node-auto-provisioning" }
        : { mode: "self-hosted", ...resolveSelfHosted(karpenter, cluster.name) },
  };
}
