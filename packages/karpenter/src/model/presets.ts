/**
 * The node pool presets and their documented defaults (every value here is what a pool gets unless
 * its options say otherwise; packages/karpenter/README.md lists them).
 */
import type { Architecture, ConsolidationPolicy, ImageFamily, NodePoolPreset, ResolvedRequirement, ResolvedTaint } from "./options.js";
import { SCALE_SET_PRIORITY, SKU_GPU_MANUFACTURER } from "./requirement-keys.js";

/** The taint of NVIDIA GPU nodes: only pods that tolerate it (GPU workloads) land there. */
export const GPU_TAINT: ResolvedTaint = { key: "nvidia.com/gpu", effect: "NoSchedule" };

/**
 * The taint of spot nodes, the one AKS puts on spot node pools: only pods that accept eviction
 * tolerate it. Only the spot preset has it.
 */
export const SPOT_TAINT: ResolvedTaint = { key: SCALE_SET_PRIORITY, value: "spot", effect: "NoSchedule" };

/** What a preset sets. */
export interface PresetDefaults {
  /** One line for docs and messages. */
  readonly description: string;
  /** The architecture; `fixed` when the pool cannot choose another. */
  readonly architecture: Architecture;
  readonly architectureFixed: boolean;
  readonly capacityType: "on-demand" | "spot";
  /** Default `karpenter.azure.com/sku-family` values. */
  readonly skuFamilies: readonly string[];
  /** Requirements besides capacity type, architecture, OS and families. */
  readonly requirements: readonly ResolvedRequirement[];
  readonly taints: readonly ResolvedTaint[];
  readonly limits: Readonly<Record<string, string>>;
  readonly consolidationPolicy: ConsolidationPolicy;
  readonly consolidateAfter: string;
  readonly budgets: readonly { nodes: string }[];
  readonly expireAfter: string;
  readonly imageFamily: ImageFamily;
  readonly osDiskSizeGB: number;
}

/** Karpenter's own default budget: at most 10% of the pool's nodes disrupted at once. */
const DEFAULT_BUDGETS = [{ nodes: "10%" }] as const;
/** 30 days, Karpenter's default: nodes are replaced monthly and pick up new node images. */
const DEFAULT_EXPIRY = "720h";

export const PRESETS: Readonly<Record<NodePoolPreset, PresetDefaults>> = {
  general: {
    description: "general-purpose amd64 on-demand nodes (D family)",
    architecture: "amd64",
    architectureFixed: true,
    capacityType: "on-demand",
    skuFamilies: ["D"],
    requirements: [],
    taints: [],
    limits: { cpu: "100", memory: "400Gi" },
    consolidationPolicy: "WhenEmptyOrUnderutilized",
    consolidateAfter: "1m",
    budgets: DEFAULT_BUDGETS,
    expireAfter: DEFAULT_EXPIRY,
    imageFamily: "Ubuntu",
    osDiskSizeGB: 128,
  },
  arm64: {
    description: "ARM64 (Ampere Altra, Cobalt) on-demand nodes (D and E families, p-series such as Dps_v5)",
    architecture: "arm64",
    architectureFixed: true,
    capacityType: "on-demand",
    skuFamilies: ["D", "E"],
    requirements: [],
    taints: [],
    limits: { cpu: "100", memory: "400Gi" },
    consolidationPolicy: "WhenEmptyOrUnderutilized",
    consolidateAfter: "1m",
    budgets: DEFAULT_BUDGETS,
    expireAfter: DEFAULT_EXPIRY,
    imageFamily: "Ubuntu",
    osDiskSizeGB: 128,
  },
  gpu: {
    description: "NVIDIA GPU on-demand nodes (N family), tainted nvidia.com/gpu:NoSchedule",
    architecture: "amd64",
    architectureFixed: true,
    capacityType: "on-demand",
    skuFamilies: ["N"],
    requirements: [{ key: SKU_GPU_MANUFACTURER, operator: "In", values: ["nvidia"] }],
    taints: [GPU_TAINT],
    limits: { cpu: "200", memory: "1600Gi", "nvidia.com/gpu": "8" },
    // GPU jobs run long and restart expensively: only empty GPU nodes are removed.
    consolidationPolicy: "WhenEmpty",
    consolidateAfter: "10m",
    budgets: DEFAULT_BUDGETS,
    expireAfter: DEFAULT_EXPIRY,
    imageFamily: "Ubuntu",
    osDiskSizeGB: 256,
  },
  spot: {
    description: "spot nodes (D, E and F families), tainted kubernetes.azure.com/scalesetpriority=spot:NoSchedule",
    architecture: "amd64",
    architectureFixed: false,
    capacityType: "spot",
    // Several families: more sizes to choose from when one is evicted or out of capacity.
    skuFamilies: ["D", "E", "F"],
    requirements: [],
    taints: [SPOT_TAINT],
    limits: { cpu: "100", memory: "400Gi" },
    consolidationPolicy: "WhenEmptyOrUnderutilized",
    consolidateAfter: "1m",
    budgets: DEFAULT_BUDGETS,
    expireAfter: DEFAULT_EXPIRY,
    imageFamily: "Ubuntu",
    osDiskSizeGB: 128,
  },
};

/** The preset names, in documentation order. */
export const PRESET_NAMES: readonly NodePoolPreset[] = ["general", "arm64", "gpu", "spot"];
