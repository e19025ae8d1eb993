/**
 * The requirement keys a NodePool may use with the Azure provider, and the format of their values.
 * Source: the allowlists of the vendored NodePool CRD (labels of the `karpenter.azure.com` and
 * `kubernetes.azure.com` domains) and the provider's well-known labels (see crds/NOTES.md).
 */
import { checkSkuFamily, checkSkuName, checkSkuSeries, checkSkuVersion, checkWholeNumber } from "./sku.js";
import { distance as editDistance } from "fastest-levenshtein";

/** How the values of a requirement key are checked. */
export interface RequirementKey {
  /** What the key selects, for messages and docs. */
  readonly description: string;
  /** Checks one value; `undefined` when it is valid. */
  readonly checkValue?: (value: string) => string | undefined;
  /** Whether the values are integers, so `Gt`/`Lt`/`Gte`/`Lte` make sense. */
  readonly numeric?: boolean;
}

function oneOf(label: string, allowed: readonly string[], hints: Record<string, string> = {}) {
  return (value: string): string | undefined => {
    if (allowed.includes(value)) return undefined;
    const hint = hints[value] ?? allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
    const fix = hint === undefined ? "" : `: write ${JSON.stringify(hint)}`;
    return `${label} is one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, not ${JSON.stringify(value)}${fix}`;
  };
}

const BOOLEAN = (label: string) => oneOf(label, ["true", "false"]);

function zone(value: string): string | undefined {
  if (/^[a-z0-9]+-[1-9]$/.test(value) || value === "0") return undefined;
  const fix = /^[1-9]$/.test(value) ? `; zone ${value} of westeurope is "westeurope-${value}"` : "";
  return `zones are written "<region>-<number>", like "westeurope-1" (regional, non-zonal nodes have "0"), not ${JSON.stringify(value)}${fix}`;
}

function region(value: string): string | undefined {
  if (/^[a-z][a-z0-9]*$/.test(value)) return undefined;
  return `regions are programmatic Azure region names like "westeurope", not ${JSON.stringify(value)}`;
}

const numeric = (label: string, unit: string, example: string): RequirementKey["checkValue"] => (value) => checkWholeNumber(label, value, unit, example);

/** Keys whose values every preset sets itself; a pool's own requirements must not set them. */
export const CAPACITY_TYPE = "karpenter.sh/capacity-type";
export const ARCHITECTURE = "kubernetes.io/arch";
export const OPERATING_SYSTEM = "kubernetes.io/os";
export const SKU_FAMILY = "karpenter.azure.com/sku-family";
export const SKU_SERIES = "karpenter.azure.com/sku-series";
export const SKU_GPU_MANUFACTURER = "karpenter.azure.com/sku-gpu-manufacturer";
export const SCALE_SET_PRIORITY = "kubernetes.azure.com/scalesetpriority";
/** The label Karpenter puts on every node with the name of its NodePool. */
export const NODE_POOL_LABEL = "karpenter.sh/nodepool";

/** Every requirement key the Azure provider accepts, by key. */
export const REQUIREMENT_KEYS: Readonly<Record<string, RequirementKey>> = {
  // Upstream well-known labels.
  [CAPACITY_TYPE]: { description: "on-demand or spot capacity", checkValue: oneOf("karpenter.sh/capacity-type", ["on-demand", "spot"], { "on_demand": "on-demand", ondemand: "on-demand", Spot: "spot", regular: "on-demand" }) },
  [ARCHITECTURE]: {
    description: "CPU architecture",
    checkValue: oneOf("kubernetes.io/arch", ["amd64", "arm64"], { x86_64: "amd64", x64: "amd64", x86: "amd64", aarch64: "arm64", arm: "arm64", Arm64: "arm64" }),
  },
  [OPERATING_SYSTEM]: { description: "operating system (the Azure provider runs Linux nodes only)", checkValue: oneOf("kubernetes.io/os", ["linux"]) },
  "node.kubernetes.io/instance-type": { description: "VM size name, like Standard_D4s_v5", checkValue: checkSkuName },
  "topology.kubernetes.io/zone": { description: "availability zone, like westeurope-1", checkValue: zone },
  "topology.kubernetes.io/region": { description: "Azure region, like westeurope", checkValue: region },
  // Azure provider well-known labels (karpenter.azure.com).
  "karpenter.azure.com/sku-name": { description: "VM size name, like Standard_D4s_v5", checkValue: checkSkuName },
  [SKU_FAMILY]: { description: "first letter of the VM size, like D", checkValue: checkSkuFamily },
  [SKU_SERIES]: { description: "VM series, like Dps_v5", checkValue: checkSkuSeries },
  "karpenter.azure.com/sku-version": { description: "VM size version without v, like 5", checkValue: checkSkuVersion, numeric: true },
  "karpenter.azure.com/sku-cpu": { description: "vCPU count", checkValue: numeric("sku-cpu", "vCPUs", "8"), numeric: true },
  "karpenter.azure.com/sku-memory": { description: "memory in MiB", checkValue: numeric("sku-memory", "MiB", "32768"), numeric: true },
  "karpenter.azure.com/sku-networking-accelerated": { description: "accelerated networking support", checkValue: BOOLEAN("sku-networking-accelerated") },
  "karpenter.azure.com/sku-storage-premium-capable": { description: "premium storage support", checkValue: BOOLEAN("sku-storage-premium-capable") },
  "karpenter.azure.com/sku-storage-ultra-ssd": { description: "Ultra SSD support", checkValue: BOOLEAN("sku-storage-ultra-ssd") },
  "karpenter.azure.com/sku-storage-ephemeralos-maxsize": {
    description: "largest ephemeral OS disk in GB",
    checkValue: numeric("sku-storage-ephemeralos-maxsize", "GB", "128"),
    numeric: true,
  },
  "karpenter.azure.com/sku-gpu-name": {
    description: "GPU model, like A100, V100, T4",
    checkValue: (value) => (/^[A-Za-z0-9]+$/.test(value) ? undefined : `sku-gpu-name is the accelerator part of the VM size name, like "A100", "V100" or "T4", not ${JSON.stringify(value)}`),
  },
  [SKU_GPU_MANUFACTURER]: { description: "GPU manufacturer", checkValue: oneOf("sku-gpu-manufacturer", ["nvidia", "amd"], { NVIDIA: "nvidia", Nvidia: "nvidia", AMD: "amd" }) },
  "karpenter.azure.com/sku-gpu-count": { description: "GPUs per VM", checkValue: numeric("sku-gpu-count", "GPUs", "1"), numeric: true },
  "karpenter.azure.com/placement-scope": { description: "zonal or regional VMs", checkValue: oneOf("placement-scope", ["zonal", "regional"]) },
  // AKS labels (kubernetes.azure.com) the provider allows.
  "kubernetes.azure.com/mode": { description: "AKS node mode", checkValue: oneOf("kubernetes.azure.com/mode", ["system", "user"]) },
  [SCALE_SET_PRIORITY]: { description: "regular or spot VMs", checkValue: oneOf("kubernetes.azure.com/scalesetpriority", ["regular", "spot"]) },
  "kubernetes.azure.com/priority": { description: "AKS priority label" },
  "kubernetes.azure.com/fips_enabled": { description: "FIPS-enabled node image", checkValue: BOOLEAN("kubernetes.azure.com/fips_enabled") },
  "kubernetes.azure.com/os-sku": { description: "node OS SKU, like Ubuntu or AzureLinux" },
  "kubernetes.azure.com/cluster": { description: "the node resource group of the cluster" },
  "kubernetes.azure.com/sku-cpu": { description: "vCPU count", checkValue: numeric("kubernetes.azure.com/sku-cpu", "vCPUs", "8"), numeric: true },
  "kubernetes.azure.com/sku-memory": { description: "memory in MiB", checkValue: numeric("kubernetes.azure.com/sku-memory", "MiB", "32768"), numeric: true },
  "kubernetes.azure.com/ebpf-dataplane": { description: "eBPF dataplane, like cilium" },
  "kubernetes.azure.com/ebpf-host-routing": { description: "eBPF host routing" },
  "kubernetes.azure.com/network-policy": { description: "network policy engine" },
  "kubernetes.azure.com/hostedvm": { description: "hosted VM" },
};

/** Keys of other Karpenter providers people copy from published examples, and the Azure key to use. */
const FOREIGN_KEYS: Readonly<Record<string, string>> = {
  "karpenter.k8s.aws/instance-family": `${SKU_SERIES} (series, like "Ds_v5") or ${SKU_FAMILY} (one letter)`,
  "karpenter.k8s.aws/instance-category": `${SKU_FAMILY} (one letter, like "D")`,
  "karpenter.k8s.aws/instance-generation": "karpenter.azure.com/sku-version",
  "karpenter.k8s.aws/instance-cpu": "karpenter.azure.com/sku-cpu",
  "karpenter.k8s.aws/instance-memory": "karpenter.azure.com/sku-memory (MiB)",
  "karpenter.k8s.aws/instance-size": "karpenter.azure.com/sku-cpu or karpenter.azure.com/sku-name",
  "karpenter.k8s.aws/instance-gpu-name": "karpenter.azure.com/sku-gpu-name",
  "karpenter.k8s.aws/instance-gpu-manufacturer": SKU_GPU_MANUFACTURER,
  "karpenter.k8s.aws/instance-gpu-count": "karpenter.azure.com/sku-gpu-count",
  "karpenter.k8s.aws/instance-hypervisor": "nothing (Azure VMs have no hypervisor label)",
  "karpenter.azure.com/sku-gpu": "karpenter.azure.com/sku-gpu-name, sku-gpu-count or sku-gpu-manufacturer",
  "karpenter.azure.com/sku-cpu-count": "karpenter.azure.com/sku-cpu",
  "node.kubernetes.io/instance-family": SKU_FAMILY,
  "beta.kubernetes.io/arch": ARCHITECTURE,
  "beta.kubernetes.io/os": OPERATING_SYSTEM,
  "beta.kubernetes.io/instance-type": "node.kubernetes.io/instance-type",
  "failure-domain.beta.kubernetes.io/zone": "topology.kubernetes.io/zone",
};

/** Keys Karpenter sets itself and rejects in requirements. */
const SET_BY_KARPENTER: Readonly<Record<string, string>> = {
  [NODE_POOL_LABEL]: "Karpenter labels every node with its NodePool's name; select a pool in pods with nodeSelector instead",
  "karpenter.azure.com/aksnodeclass": "Karpenter sets it from the NodePool's nodeClassRef",
  "kubernetes.io/hostname": "it names one node; a NodePool creates many",
};

/** Checks a requirement key against {@link REQUIREMENT_KEYS}, naming the key to use instead. */
export function checkRequirementKey(key: string): string | undefined {
  if (REQUIREMENT_KEYS[key] !== undefined) return undefined;
  const shown = JSON.stringify(key);
  const setBy = SET_BY_KARPENTER[key];
  if (setBy !== undefined) return `${shown} cannot be a requirement: ${setBy}`;
  const foreign = FOREIGN_KEYS[key];
  if (foreign !== undefined) return `${shown} is not a label of the Azure provider (no node ever has it, so pods stay pending); use ${foreign}`;
  const known = Object.keys(REQUIREMENT_KEYS);
  const near = known
    .map((candidate) => ({ candidate, distance: editDistance(key.toLowerCase(), candidate.toLowerCase()) }))
    .filter(({ candidate, distance }) => distance <= Math.max(2, Math.floor(candidate.length / 6)))
    .sort((a, b) => a.distance - b.distance)[0]?.candidate;
  if (near !== undefined) return `${shown} is not a requirement key of the Azure provider; did you mean ${JSON.stringify(near)}?`;
  const domain = key.includes("/") ? key.slice(0, key.indexOf("/")) : "";
  const sameDomain = known.filter((candidate) => domain !== "" && candidate.startsWith(`${domain}/`));
  const listed = (sameDomain.length > 0 ? sameDomain : known).join(", ");
  return `${shown} is not a requirement key of the Azure provider; requirements select VM sizes with the provider's labels (${listed}); to label nodes, use labels instead`;
}
