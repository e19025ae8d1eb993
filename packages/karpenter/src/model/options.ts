/**
 * Node pools as flotilla describes them: the options a user writes (also the ClusterSpec's
 * `nodePools[]`) and the resolved pool with every preset default filled in, which the constructs
 * render and the pod-scheduling helper reads. Types only.
 */

/** The node pool presets. See `PRESETS` for what each sets. */
export type NodePoolPreset = "general" | "arm64" | "gpu" | "spot";

/** A CPU architecture as Kubernetes names it. */
export type Architecture = "amd64" | "arm64";

/** An operator of a node selector requirement. */
export type RequirementOperator = "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt" | "Gte" | "Lte";

/** A taint effect. */
export type TaintEffect = "NoSchedule" | "PreferNoSchedule" | "NoExecute";

/** An image family of AKSNodeClass `spec.imageFamily`. */
export type ImageFamily = "Ubuntu" | "Ubuntu2204" | "Ubuntu2404" | "AzureLinux";

/** A consolidation policy of NodePool `spec.disruption.consolidationPolicy`. */
export type ConsolidationPolicy = "WhenEmpty" | "WhenEmptyOrUnderutilized" | "Balanced";

/** A disruption reason a budget applies to. */
export type DisruptionReason = "Underutilized" | "Empty" | "Drifted";

/**
 * A node selector requirement: which VM sizes (or zones) the pool may create. Keys are limited to
 * the Azure provider's labels (see `REQUIREMENT_KEYS`).
 *
 * @see https://karpenter.sh/docs/concepts/nodepools/#spectemplatespecrequirements
 */
export interface RequirementOptions {
  /** A requirement key of the Azure provider, e.g. `"karpenter.azure.com/sku-cpu"`. */
  key: string;
  /** How the node's label relates to `values`. */
  operator: RequirementOperator;
  /**
   * Values: at least one for `In`/`NotIn`, exactly one integer for `Gt`/`Lt`/`Gte`/`Lte`, none for
   * `Exists`/`DoesNotExist`.
   * @default []
   */
  values?: string[] | undefined;
  /**
   * Minimum number of distinct values the pool must keep available (flexibility, e.g. at least 3
   * series for spot).
   * @default - not set
   */
  minValues?: number | undefined;
}

/** A taint on every node of the pool. */
export interface TaintOptions {
  /** Taint key, a Kubernetes label key. */
  key: string;
  /**
   * Taint value.
   * @default - no value
   */
  value?: string | undefined;
  /** What happens to pods that do not tolerate the taint. */
  effect: TaintEffect;
}

/** A disruption budget: how many nodes Karpenter may disrupt at once. */
export interface BudgetOptions {
  /** Nodes at once: a count (`"2"`) or a percentage (`"10%"`). */
  nodes: string;
  /**
   * When the budget starts (cron syntax, e.g. `"0 9 * * 1-5"`); set with `duration`.
   * @default - always active
   */
  schedule?: string | undefined;
  /**
   * How long the budget is active after each `schedule` hit, e.g. `"8h"`; set with `schedule`.
   * @default - always active
   */
  duration?: string | undefined;
  /**
   * Disruption reasons the budget applies to.
   * @default - all reasons
   */
  reasons?: DisruptionReason[] | undefined;
}

/** When Karpenter removes or replaces nodes of the pool. */
export interface DisruptionOptions {
  /**
   * Which nodes consolidation may remove: empty ones only, or also underutilized ones.
   * @default the preset's (see `PRESETS`)
   */
  consolidationPolicy?: ConsolidationPolicy | undefined;
  /**
   * How long a node must be empty or underutilized before it is consolidated: a duration with
   * units s, m, h (`"30s"`, `"5m"`), or `"Never"`.
   * @default the preset's (see `PRESETS`)
   */
  consolidateAfter?: string | undefined;
  /**
   * Disruption budgets.
   * @default [{ nodes: "10%" }]
   */
  budgets?: BudgetOptions[] | undefined;
}

/** Kubelet settings of the pool's nodes (a subset of AKSNodeClass `spec.kubelet`). */
export interface KubeletOptions {
  /**
   * `static` gives Guaranteed pods with integer CPU requests exclusive cores.
   * @default - not set (AKS: "none")
   */
  cpuManagerPolicy?: "none" | "static" | undefined;
  /**
   * NUMA alignment of CPU and devices (GPU training: `single-numa-node` or `restricted`).
   * @default - not set (AKS: "none")
   */
  topologyManagerPolicy?: "none" | "restricted" | "best-effort" | "single-numa-node" | undefined;
  /**
   * Enforce CPU limits with CFS quota.
   * @default - not set (AKS: true)
   */
  cpuCFSQuota?: boolean | undefined;
  /**
   * Disk usage (percent) above which image garbage collection always runs; greater than the low threshold.
   * @default - not set (AKS default)
   */
  imageGCHighThresholdPercent?: number | undefined;
  /**
   * Disk usage (percent) below which image garbage collection never runs.
   * @default - not set (AKS default)
   */
  imageGCLowThresholdPercent?: number | undefined;
  /**
   * Maximum size of a container log file before rotation, e.g. `"50Mi"`.
   * @default - not set (AKS: "50Mi")
   */
  containerLogMaxSize?: string | undefined;
  /**
   * Maximum number of rotated log files per container (at least 2).
   * @default - not set (AKS: 5)
   */
  containerLogMaxFiles?: number | undefined;
  /**
   * Maximum number of processes per pod.
   * @default - not set
   */
  podPidsLimit?: number | undefined;
  /**
   * Unsafe sysctls (or patterns like `"net.core.*"`) pods may set.
   * @default - not set
   */
  allowedUnsafeSysctls?: string[] | undefined;
}

/**
 * The AKSNodeClass of a pool: how its VMs are built. Only fields of the released AKSNodeClass
 * (`karpenter.azure.com/v1beta1`, provider v1.14.2) exist here: there is no `osDiskType` or
 * `dataDisks` (the OS disk is ephemeral when the VM size allows it, managed otherwise).
 */
export interface NodeClassOptions {
  /**
   * Node image family. `Ubuntu` follows the Kubernetes version (22.04 or 24.04).
   * @default "Ubuntu" ("AzureLinux" is the other common choice)
   */
  imageFamily?: ImageFamily | undefined;
  /**
   * OS disk size in GB, 30–2048.
   * @default 128 (gpu preset: 256, CUDA images are large)
   */
  osDiskSizeGB?: number | undefined;
  /**
   * Subnet of the nodes' NICs: `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>`.
   * @default - not set (the cluster's subnet: NAP's, or the self-hosted controller's `vnetSubnetID`)
   */
  vnetSubnetID?: string | undefined;
  /**
   * Maximum pods per node, 10–250.
   * @default - not set (Azure CNI overlay: 250, Azure CNI node subnet: 30, others: 110)
   */
  maxPods?: number | undefined;
  /**
   * Azure tags of the VMs (the provider adds its own, such as the NodePool's name). Keys without
   * `<>%&?\`, at most 512 characters; values at most 256.
   * @default {}
   */
  tags?: Record<string, string> | undefined;
  /**
   * Kubelet settings.
   * @default - not set (AKS defaults)
   */
  kubelet?: KubeletOptions | undefined;
  /**
   * GPU driver: `Driver` lets AKS install the NVIDIA driver (only sizes with managed drivers are
   * used); `None` installs none (for the NVIDIA GPU Operator). gpu preset only.
   * @default - not set (AKS: "Driver")
   */
  gpuMode?: "Driver" | "None" | undefined;
  /**
   * Encrypt temp and cache disks at the host.
   * @default - not set (false)
   */
  encryptionAtHost?: boolean | undefined;
}

/**
 * A node pool: one Karpenter NodePool (`karpenter.sh/v1`) and its AKSNodeClass
 * (`karpenter.azure.com/v1beta1`), both named `name`, built from a preset.
 */
export interface NodePoolOptions {
  /**
   * Name of the NodePool and its AKSNodeClass: a DNS label. In node auto-provisioning mode,
   * `default` and `system-surge` are AKS's own.
   */
  name: string;
  /**
   * What the pool is for: `general` (amd64, on-demand), `arm64` (Ampere/Cobalt ARM64, on-demand),
   * `gpu` (NVIDIA, on-demand, tainted `nvidia.com/gpu`), `spot` (spot VMs, tainted
   * `kubernetes.azure.com/scalesetpriority=spot`).
   */
  preset: NodePoolPreset;
  /**
   * CPU architecture. Only the spot preset may choose; general and gpu are amd64, arm64 is arm64.
   * @default "amd64" (arm64 preset: "arm64")
   */
  architecture?: Architecture | undefined;
  /**
   * VM families (`karpenter.azure.com/sku-family`): one letter each, like `"D"`, `"E"`, `"F"`, `"N"`.
   * @default the preset's: general ["D"], arm64 ["D", "E"], gpu ["N"], spot ["D", "E", "F"]
   */
  skuFamilies?: string[] | undefined;
  /**
   * VM series (`karpenter.azure.com/sku-series`), like `"Ds_v5"`, `"Dps_v5"`, `"NCads_v4"`. ARM64
   * series (a `p` in the features) only with the arm64 architecture.
   * @default - not set (any series of the families)
   */
  skuSeries?: string[] | undefined;
  /**
   * Further requirements (zones, vCPUs, memory, GPU model...). Capacity type, architecture and
   * operating system come from the preset and cannot be set here.
   * @default []
   */
  requirements?: RequirementOptions[] | undefined;
  /**
   * Extra taints (the preset's own taint is always there).
   * @default []
   */
  taints?: TaintOptions[] | undefined;
  /**
   * Extra labels of the pool's nodes.
   * @default {}
   */
  labels?: Record<string, string> | undefined;
  /**
   * Resource limits of the whole pool (`cpu`, `memory`, `nvidia.com/gpu`, `nodes`), as quantities.
   * Merged over the preset's limits.
   * @default the preset's (see `PRESETS`)
   */
  limits?: Record<string, string | number> | undefined;
  /**
   * Consolidation and disruption budgets (merged over the preset's).
   * @default the preset's (see `PRESETS`)
   */
  disruption?: DisruptionOptions | undefined;
  /**
   * How long a node lives before it is replaced: a duration with units s, m, h (`"720h"`), or `"Never"`.
   * @default "720h"
   */
  expireAfter?: string | undefined;
  /**
   * Priority among pools that fit a pod, 1–100 (higher first).
   * @default - not set (0)
   */
  weight?: number | undefined;
  /**
   * The pool's AKSNodeClass settings.
   * @default - the preset's image family and OS disk size
   */
  nodeClass?: NodeClassOptions | undefined;
}

/** A requirement with its values (resolved form). */
export interface ResolvedRequirement {
  key: string;
  operator: RequirementOperator;
  values: string[];
  minValues?: number | undefined;
}

/** A taint (resolved form). */
export interface ResolvedTaint {
  key: string;
  value?: string | undefined;
  effect: TaintEffect;
}

/** A node pool with every default filled: exactly what is rendered. */
export interface ResolvedNodePool {
  /** Name of the NodePool and its AKSNodeClass. */
  name: string;
  /** The preset it was built from. */
  preset: NodePoolPreset;
  /** CPU architecture of its nodes. */
  architecture: Architecture;
  /** `on-demand` or `spot`. */
  capacityType: "on-demand" | "spot";
  /** Every requirement, preset ones first. */
  requirements: ResolvedRequirement[];
  /** Every taint, the preset's first. */
  taints: ResolvedTaint[];
  /** Node labels. */
  labels: Record<string, string>;
  /** Pool limits. */
  limits: Record<string, string>;
  /** Disruption settings. */
  disruption: {
    consolidationPolicy: ConsolidationPolicy;
    consolidateAfter: string;
    budgets: BudgetOptions[];
  };
  /** Node lifetime. */
  expireAfter: string;
  /** Priority, if set. */
  weight: number | undefined;
  /** AKSNodeClass settings. */
  nodeClass: NodeClassOptions & { imageFamily: ImageFamily; osDiskSizeGB: number; tags: Record<string, string> };
}
