import { showString } from "../describe-value.js";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks an Azure GUID (tenant or subscription ID): 8-4-4-4-12 hexadecimal digits, any case.
 * The all-zero GUID is rejected as a placeholder.
 */
export function checkGuid(value: string): string | undefined {
  if (!GUID.test(value)) {
    return `expected a UUID like xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hexadecimal), got ${showString(value)}`;
  }
  if (/^[0-]+$/.test(value)) return `got the all-zero UUID, which is a placeholder; use the real ID`;
  return undefined;
}

/**
 * Checks an Azure resource group name: 1-90 characters; letters, digits, '-', '_', '.', '(' and
 * ')'; not ending in '.'.
 */
export function checkResourceGroup(value: string): string | undefined {
  const shown = showString(value);
  if (value.length === 0) return "must not be empty";
  if (value.length > 90) return `must be at most 90 characters, got ${value.length}: ${shown}`;
  const bad = Array.from(value).find((ch) => !/[\p{L}\p{N}._()-]/u.test(ch));
  if (bad !== undefined) {
    return `may contain only letters, digits, '-', '_', '.', '(' and ')', got ${shown} (${JSON.stringify(bad)} is not allowed)`;
  }
  if (value.endsWith(".")) return `must not end with '.', got ${shown}`;
  return undefined;
}

/**
 * Checks an Azure region's programmatic name: lowercase letters and digits, e.g. `westeurope`,
 * `eastus2`. Display names such as "West Europe" are rejected with the name to use instead.
 */
export function checkLocation(value: string): string | undefined {
  if (/^[a-z][a-z0-9]{1,39}$/.test(value)) return undefined;
  const shown = showString(value);
  const programmatic = value.toLowerCase().replace(/[\s_-]+/g, "");
  const hint = /^[a-z][a-z0-9]{1,39}$/.test(programmatic) ? `; use ${JSON.stringify(programmatic)}` : "";
  return `expected a lowercase Azure region name like "westeurope" or "eastus2" (az account list-locations --query "[].name" -o tsv), got ${shown}${hint}`;
}
