/**
 * Value formats of the NodePool and AKSNodeClass CRDs (their patterns and ranges), as checks that
 * return a message naming the right form, or `undefined`.
 */

const show = (value: unknown) => (typeof value === "string" ? JSON.stringify(value) : String(value));

/** NodePool `expireAfter` / `consolidateAfter`: `^(([0-9]+(s|m|h))+|Never)$`. */
const KARPENTER_DURATION = /^(([0-9]+(s|m|h))+|Never)$/;
/** Budget `duration`: minutes and hours only. */
const BUDGET_DURATION = /^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$/;
const BUDGET_NODES = /^((100|[0-9]{1,2})%|[0-9]+)$/;
const QUANTITY = /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;
const SUBNET_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[a-zA-Z0-9_\-().]{0,89}[a-zA-Z0-9_\-()]\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A Karpenter duration (`"720h"`, `"30m"`, `"1h30m"`, or `"Never"`). */
export function checkKarpenterDuration(value: string, field: string): string | undefined {
  if (typeof value === "string" && KARPENTER_DURATION.test(value)) return undefined;
  let fix = "";
  const days = typeof value === "string" ? /^([0-9]+)d$/.exec(value) : null;
  if (days) fix = `: ${show(value)} is ${show(`${Number(days[1]) * 24}h`)}`;
  else if (typeof value === "string" && /^[0-9]+$/.test(value)) fix = `: add a unit, e.g. ${show(`${value}s`)}`;
  else if (typeof value === "string" && /^never$/i.test(value)) fix = ': write "Never"';
  return `${field} must be a duration in whole s, m or h like "720h" or "30m", or "Never"; got ${show(value)}${fix}`;
}

/** A budget's `duration` (hours and/or minutes). */
export function checkBudgetDuration(value: string): string | undefined {
  if (typeof value === "string" && BUDGET_DURATION.test(value)) return undefined;
  return `a budget's duration is hours and/or minutes like "8h", "30m" or "1h30m"; got ${show(value)}`;
}

/** A budget's `nodes`: a count or a percentage. */
export function checkBudgetNodes(value: string): string | undefined {
  if (typeof value === "string" && BUDGET_NODES.test(value)) return undefined;
  const fix = typeof value === "number" ? `: write ${show(String(value))}` : "";
  return `a budget's nodes is a count like "2" or a percentage like "10%" (a string); got ${show(value)}${fix}`;
}

/** A resource quantity (`"100"`, `"400Gi"`, `8`). */
export function checkQuantity(value: string | number): string | undefined {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return undefined;
  if (typeof value === "string" && QUANTITY.test(value)) return undefined;
  const fix = typeof value === "string" && /^[0-9.]+\s*(GB|MB|TB)$/i.test(value) ? ` (binary units are Ki, Mi, Gi, Ti: "${value.replace(/\s*([GMT])B$/i, (_, unit: string) => `${unit.toUpperCase()}i`)}")` : "";
  return `expected a Kubernetes quantity like "100", "400Gi" or 8; got ${show(value)}${fix}`;
}

/** An ARM subnet ID, as the AKSNodeClass pattern wants it. */
export function checkSubnetId(value: string): string | undefined {
  if (typeof value === "string" && SUBNET_ID.test(value)) return undefined;
  return `expected a subnet resource ID like "/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>" (az network vnet subnet show --query id -o tsv); got ${show(value)}`;
}

/** An integer in `[min, max]`. */
export function checkIntegerRange(value: number, min: number, max: number, field: string): string | undefined {
  if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) return undefined;
  return `${field} must be a whole number from ${min} to ${max}; got ${show(value)}`;
}

/** A pool name: a DNS label (it is also the value of the `karpenter.sh/nodepool` node label). */
export function checkPoolName(value: string): string | undefined {
  if (typeof value === "string" && value.length <= 63 && DNS_LABEL.test(value)) return undefined;
  return `a node pool name is a DNS label (at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit), like "gpu-a100"; got ${show(value)}`;
}

/** The resource group of an ARM ID (lower case), if it has one. */
export function resourceGroupOf(armId: string): string | undefined {
  return /\/resourceGroups\/([^/]+)/i.exec(armId)?.[1]?.toLowerCase();
}

/** The virtual network of a subnet ID: the ID without `/subnets/<name>`. */
export function virtualNetworkOf(subnetId: string): string {
  return subnetId.replace(/\/subnets\/[^/]+$/i, "");
}
