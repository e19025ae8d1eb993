/**
 * Semantic checks of node pool options: what the CRDs accept but the Azure provider cannot
 * schedule (pods stay pending) or what breaks the presets' promises (spot capacity only in the spot
 * pool). The one implementation behind both the ClusterSpec (problems reported at load time with
 * their paths) and the constructs (which throw).
 */
import { checkBudgetDuration, checkBudgetNodes, checkIntegerRange, checkKarpenterDuration, checkPoolName, checkQuantity, checkSubnetId } from "./formats.js";
import type { NodeClassOptions, NodePoolOptions } from "./options.js";
import { PRESET_NAMES, PRESETS, SPOT_TAINT } from "./presets.js";
import { type ModelProblem, type ProblemPath, requirementProblems, requirementSetProblems } from "./requirement-checks.js";
import { ARCHITECTURE, CAPACITY_TYPE, OPERATING_SYSTEM, SCALE_SET_PRIORITY, SKU_FAMILY, SKU_GPU_MANUFACTURER, SKU_SERIES } from "./requirement-keys.js";
import { locatedRequirements } from "./resolve.js";
import { checkSkuFamily, checkSkuSeries, seriesFamily } from "./sku.js";

const show = (value: unknown) => JSON.stringify(value);

/** Requirement keys a preset decides, and what to write instead. */
const PRESET_KEYS: Readonly<Record<string, string>> = {
  [CAPACITY_TYPE]: 'capacity type comes from the preset: use preset "spot" for spot capacity (a separate pool, tainted), any other preset is on-demand',
  [SCALE_SET_PRIORITY]: 'spot or regular VMs come from the preset: use preset "spot" for spot capacity (a separate pool, tainted), any other preset is on-demand',
  [ARCHITECTURE]: 'the architecture comes from the preset: use preset "arm64" for ARM64 nodes (or architecture: "arm64" in a spot pool)',
  [OPERATING_SYSTEM]: "every pool is Linux (the Azure provider has no Windows nodes)",
};

/** Label domains Karpenter or AKS own: node labels there are set by them, never by a pool. */
const RESERVED_LABEL_DOMAINS = ["karpenter.sh", "karpenter.azure.com", "kubernetes.azure.com", "kubernetes.io", "k8s.io"];
const RESERVED_LABELS = ["agentpool", "storageprofile", "storagetier", "accelerator"];

function labelDomain(key: string): string {
  return key.includes("/") ? key.slice(0, key.indexOf("/")) : "";
}

/** Domains inside the reserved ones that Karpenter lets pools use (its `LabelDomainExceptions`). */
const LABEL_DOMAIN_EXCEPTIONS = ["kops.k8s.io", "node.kubernetes.io", "node-restriction.kubernetes.io"];

function isReservedDomain(key: string): boolean {
  const domain = labelDomain(key);
  if (LABEL_DOMAIN_EXCEPTIONS.some((allowed) => domain === allowed || domain.endsWith(`.${allowed}`))) return false;
  return RESERVED_LABEL_DOMAINS.some((reserved) => domain === reserved || domain.endsWith(`.${reserved}`));
}

/** Checks the options of one node pool; paths are relative to the pool. */
export function nodePoolProblems(options: NodePoolOptions): ModelProblem[] {
  const problems: ModelProblem[] = [];
  const add = (path: ProblemPath, message: string | undefined) => {
    if (message !== undefined) problems.push({ path, message });
  };
  add(["name"], checkPoolName(options.name));
  const preset = PRESETS[options.preset];
  if (preset === undefined) {
    add(["preset"], `preset is one of ${PRESET_NAMES.map(show).join(", ")}; got ${show(options.preset)}`);
    return problems;
  }

  if (options.architecture !== undefined && preset.architectureFixed && options.architecture !== preset.architecture) {
    const instead = options.architecture === "arm64" ? 'use preset "arm64"' : 'use preset "general" (or "gpu")';
    add(["architecture"], `preset ${show(options.preset)} is ${preset.architecture} only; ${instead}, or preset "spot", which can be either`);
  }

  const families = options.skuFamilies ?? [...preset.skuFamilies];
  if (options.skuFamilies !== undefined) {
    if (options.skuFamilies.length === 0) add(["skuFamilies"], "list at least one family, or leave skuFamilies out for the preset's");
    options.skuFamilies.forEach((family, index) => {
      const message = checkSkuFamily(family);
      add(["skuFamilies", index], message);
      if (message !== undefined) return;
      if (options.preset === "gpu" && family !== "N") {
        add(["skuFamilies", index], `NVIDIA GPU sizes are all in family "N" (NC, ND, NV series); family ${show(family)} has none, so the gpu pool could create nothing`);
      } else if (options.preset !== "gpu" && family === "N") {
        add(["skuFamilies", index], `family "N" is the GPU family: use preset "gpu", whose nodes carry the nvidia.com/gpu taint so that only GPU workloads land on them`);
      }
    });
  }
  options.skuSeries?.forEach((series, index) => {
    const message = checkSkuSeries(series);
    add(["skuSeries", index], message);
    if (message !== undefined) return;
    const family = seriesFamily(series);
    if (families.every((candidate) => checkSkuFamily(candidate) !== undefined || candidate !== family)) {
      const where = options.skuFamilies === undefined ? `the preset's families (${families.join(", ")})` : `skuFamilies (${families.join(", ")})`;
      add(["skuSeries", index], `series ${show(series)} is in family ${show(family)}, which ${where} exclude: no VM would match; add ${show(family)} to skuFamilies`);
    }
  });
  if (options.skuSeries !== undefined && options.skuSeries.length === 0) add(["skuSeries"], "list at least one series, or leave skuSeries out");

  (options.requirements ?? []).forEach((requirement, index) => {
    const at: ProblemPath = ["requirements", index];
    const presetKey = PRESET_KEYS[requirement.key];
    if (presetKey !== undefined) return add([...at, "key"], presetKey);
    if ((requirement.key === SKU_FAMILY || requirement.key === SKU_SERIES) && requirement.operator !== "NotIn") {
      const field = requirement.key === SKU_FAMILY ? "skuFamilies" : "skuSeries";
      return add([...at, "key"], `select ${requirement.key === SKU_FAMILY ? "families" : "series"} with ${field}: [...] (a requirement may only exclude them, with NotIn)`);
    }
    if (requirement.key === SKU_GPU_MANUFACTURER && options.preset === "gpu") {
      return add([...at, "key"], "the gpu preset already requires NVIDIA GPUs (sku-gpu-manufacturer In [nvidia]), the only ones with AKS-managed drivers");
    }
    problems.push(...requirementProblems(requirement, at));
  });
  problems.push(...requirementSetProblems(locatedRequirements(options)));

  (options.taints ?? []).forEach((taint, index) => {
    if (taint.key === SPOT_TAINT.key && options.preset !== "spot") {
      add(["taints", index, "key"], `the spot taint (${SPOT_TAINT.key}) belongs on the spot pool only; this ${options.preset} pool is on-demand, and spot workloads go to a separate pool with preset "spot"`);
    }
  });

  for (const key of Object.keys(options.labels ?? {})) {
    if (isReservedDomain(key) || RESERVED_LABELS.includes(key)) {
      add(["labels", key], `label ${show(key)} is reserved (Karpenter and AKS set the labels of their domains themselves); use your own domain, e.g. "example.com/team"`);
    }
  }

  for (const [resource, quantity] of Object.entries(options.limits ?? {})) {
    add(["limits", resource], checkQuantity(quantity));
  }

  const disruption = options.disruption;
  if (disruption?.consolidateAfter !== undefined) add(["disruption", "consolidateAfter"], checkKarpenterDuration(disruption.consolidateAfter, "consolidateAfter"));
  disruption?.budgets?.forEach((budget, index) => {
    const at: ProblemPath = ["disruption", "budgets", index];
    add([...at, "nodes"], checkBudgetNodes(budget.nodes));
    if ((budget.schedule === undefined) !== (budget.duration === undefined)) {
      add(at, 'schedule and duration go together: a budget with a schedule (cron, like "0 9 * * 1-5") is active for its duration (like "8h"); set both or neither');
    }
    if (budget.duration !== undefined) add([...at, "duration"], checkBudgetDuration(budget.duration));
  });
  if (options.expireAfter !== undefined) add(["expireAfter"], checkKarpenterDuration(options.expireAfter, "expireAfter"));
  if (options.weight !== undefined) add(["weight"], checkIntegerRange(options.weight, 1, 100, "weight"));

  if (options.nodeClass !== undefined) problems.push(...nodeClassProblems(options.nodeClass, options.preset === "gpu"));
  return problems;
}

/** Checks AKSNodeClass settings; paths are relative to the pool (`nodeClass.…`). */
export function nodeClassProblems(nodeClass: NodeClassOptions, gpu: boolean): ModelProblem[] {
  const problems: ModelProblem[] = [];
  const add = (path: ProblemPath, message: string | undefined) => {
    if (message !== undefined) problems.push({ path: ["nodeClass", ...path], message });
  };
  if (nodeClass.osDiskSizeGB !== undefined) add(["osDiskSizeGB"], checkIntegerRange(nodeClass.osDiskSizeGB, 30, 2048, "osDiskSizeGB"));
  if (nodeClass.maxPods !== undefined) add(["maxPods"], checkIntegerRange(nodeClass.maxPods, 10, 250, "maxPods"));
  if (nodeClass.vnetSubnetID !== undefined) add(["vnetSubnetID"], checkSubnetId(nodeClass.vnetSubnetID));
  if (nodeClass.gpuMode !== undefined && !gpu) add(["gpuMode"], 'gpuMode only applies to GPU nodes: use it in a pool with preset "gpu"');
  for (const [key, value] of Object.entries(nodeClass.tags ?? {})) {
    if (key.length > 512 || /[<>%&?\\]/.test(key)) add(["tags", key], "Azure tag names are at most 512 characters, without <, >, %, &, ?, \\");
    else if (typeof value !== "string" || value.length > 256) add(["tags", key], "Azure tag values are strings of at most 256 characters");
  }
  const kubelet = nodeClass.kubelet;
  if (kubelet !== undefined) {
    const { imageGCHighThresholdPercent: high, imageGCLowThresholdPercent: low } = kubelet;
    if (high !== undefined) add(["kubelet", "imageGCHighThresholdPercent"], checkIntegerRange(high, 0, 100, "imageGCHighThresholdPercent"));
    if (low !== undefined) add(["kubelet", "imageGCLowThresholdPercent"], checkIntegerRange(low, 0, 100, "imageGCLowThresholdPercent"));
    if (high !== undefined && low !== undefined && high <= low) {
      add(["kubelet", "imageGCHighThresholdPercent"], `imageGCHighThresholdPercent (${high}) must be greater than imageGCLowThresholdPercent (${low})`);
    }
    if (kubelet.containerLogMaxFiles !== undefined) add(["kubelet", "containerLogMaxFiles"], checkIntegerRange(kubelet.containerLogMaxFiles, 2, 1000, "containerLogMaxFiles"));
    if (kubelet.containerLogMaxSize !== undefined && !/^\d+(E|P|T|G|M|K|Ei|Pi|Ti|Gi|Mi|Ki)$/.test(kubelet.containerLogMaxSize)) {
      add(["kubelet", "containerLogMaxSize"], `containerLogMaxSize is a size like "50Mi" or "100M"; got ${show(kubelet.containerLogMaxSize)}`);
    }
    if (kubelet.podPidsLimit !== undefined && !Number.isInteger(kubelet.podPidsLimit)) {
      add(["kubelet", "podPidsLimit"], `podPidsLimit must be a whole number; got ${show(kubelet.podPidsLimit)}`);
    }
  }
  return problems;
}

/** Names AKS node auto-provisioning creates itself (NodePools and AKSNodeClasses). */
export const NODE_AUTO_PROVISIONING_RESERVED_NAMES: readonly string[] = ["default", "system-surge"];

/** Formats a problem path: `requirements[0].values[1]`, `labels["example.com/team"]`. */
export function formatProblemPath(path: ProblemPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${show(segment)}]`;
  }
  return out;
}

/** Throws one error listing every problem, each prefixed with `owner` and its path. */
export function throwProblems(owner: string, problems: readonly ModelProblem[]): void {
  if (problems.length === 0) return;
  const lines = problems.map(({ path, message }) => (path.length === 0 ? `${owner}: ${message}` : `${owner}: ${formatProblemPath(path)}: ${message}`));
  throw new Error(lines.join("\n"));
}
