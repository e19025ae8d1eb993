import { type CommandHints, COMMAND_NAMES } from "./command-hints.js";

/**
 * Fields people copy from published examples that do not exist here, with what to write instead.
 * Used for "unknown field" messages before the generic near-sibling suggestion.
 */

const AKS_NODE_CLASS_FIELDS = "imageFamily, osDiskSizeGB, vnetSubnetID, maxPods, tags, kubelet, gpuMode, encryptionAtHost";
const AWS_FIELD = `is a field of AWS's EC2NodeClass, not of AKSNodeClass (Azure), whose settings here are: ${AKS_NODE_CLASS_FIELDS}`;
const VM_SIZES = "VM sizes are chosen by the NodePool's requirements: use skuFamilies (\"D\"), skuSeries (\"Ds_v5\") or a requirement on karpenter.azure.com/sku-name";

type Commands = Pick<CommandHints, "secretSet">;

/** Keyed by the object's location (list items as `[]`) and the field: `nodePools[].nodeClass.osDiskType`. */
const MISTAKES: Readonly<Record<string, string | ((commands: Commands) => string)>> = {
  "nodePools[].nodeClass.osDiskType":
    "osDiskType is not in any released AKSNodeClass (up to v1.14.2; it exists only on the provider's main branch): the OS disk is ephemeral when the VM size has room for it and managed otherwise; size it with osDiskSizeGB",
  "nodePools[].nodeClass.dataDisks":
    "AKSNodeClass has no data disks: nodes get one OS disk (osDiskSizeGB); give pods storage with PersistentVolumeClaims (Azure Disk, Azure Files)",
  "nodePools[].nodeClass.imageVersion": "the node image version is chosen by Karpenter (and upgraded with expireAfter); choose the image with imageFamily",
  "nodePools[].nodeClass.osSku": "osSku is an AKS agent pool setting; AKSNodeClass calls it imageFamily (Ubuntu, Ubuntu2204, Ubuntu2404, AzureLinux)",
  "nodePools[].nodeClass.vmSize": VM_SIZES,
  "nodePools[].nodeClass.amiFamily": `amiFamily ${AWS_FIELD}`,
  "nodePools[].nodeClass.amiSelectorTerms": `amiSelectorTerms ${AWS_FIELD}`,
  "nodePools[].nodeClass.subnetSelectorTerms": `subnetSelectorTerms ${AWS_FIELD}`,
  "nodePools[].nodeClass.securityGroupSelectorTerms": `securityGroupSelectorTerms ${AWS_FIELD}`,
  "nodePools[].nodeClass.blockDeviceMappings": `blockDeviceMappings ${AWS_FIELD}`,
  "nodePools[].nodeClass.instanceProfile": `instanceProfile ${AWS_FIELD}`,
  "nodePools[].nodeClass.role": `role ${AWS_FIELD}`,
  "nodePools[].nodeClass.userData": `userData ${AWS_FIELD}`,
  "platforms.argoWorkflows.database.username": ({ secretSet }) =>
    `Argo Workflows reads the database login only from the \`username\` key of its database Secret (database.passwordSecret, default argo/argo-db): set it with \`${secretSet} <cluster> argo/argo-db --from-literal username=<login> --from-stdin password\` and remove username here`,
  "nodePools[].vmSize": VM_SIZES,
  "nodePools[].vmSizes": VM_SIZES,
  "nodePools[].instanceTypes": VM_SIZES,
  "nodePools[].capacityType": 'spot capacity is a pool of its own: preset "spot" (tainted, so only workloads that accept eviction land there); every other preset is on-demand',
  "nodePools[].spot": 'spot capacity is a pool of its own: preset "spot"',
  "nodePools[].nodeClassRef": "each pool has its own AKSNodeClass, named like the pool: configure it with nodeClass",
  "nodePools[].minCount": "Karpenter creates nodes on demand, from zero: cap the pool with limits (cpu, memory, nvidia.com/gpu, nodes)",
  "nodePools[].maxCount": "Karpenter creates nodes on demand, from zero: cap the pool with limits (cpu, memory, nvidia.com/gpu, nodes)",
  "nodePools[].nodeCount": "Karpenter creates nodes on demand, from zero: cap the pool with limits (cpu, memory, nvidia.com/gpu, nodes)",
};

/**
 * The explanation for field `key` of the object at `parent` (`"nodePools[].nodeClass"`), if it is a
 * known mistake; commands it names are spelled as in `commands`.
 */
export function knownFieldMistake(parent: string, key: string, commands: Commands = COMMAND_NAMES): string | undefined {
  const mistake = MISTAKES[parent === "" ? key : `${parent}.${key}`];
  return typeof mistake === "function" ? mistake(commands) : mistake;
}
