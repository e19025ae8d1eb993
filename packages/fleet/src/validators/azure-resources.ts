import { showString } from "../describe-value.js";

/**
 * Checks of the Azure resource names that role assignment scopes point at. Each returns a
 * message naming the broken rule, or `undefined` when the name is valid. The rules are Azure's
 * naming rules for the resource type ("Naming rules and restrictions for Azure resources").
 */

function length(value: string, min: number, max: number): string | undefined {
  if (value.length === 0) return "must not be empty";
  if (value.length < min || value.length > max) {
    return `must be ${min}-${max} characters, got ${value.length}: ${showString(value)}`;
  }
  return undefined;
}

/** A storage account name: 3-24 lowercase letters and digits. */
export function checkStorageAccountName(value: string): string | undefined {
  const problem = length(value, 3, 24);
  if (problem !== undefined) return `a storage account name ${problem}`;
  if (!/^[a-z0-9]+$/.test(value)) {
    const lower = value.toLowerCase().replace(/[^a-z0-9]/g, "");
    const hint = lower.length >= 3 ? ` (e.g. ${JSON.stringify(lower)})` : "";
    return `a storage account name may contain only lowercase letters and digits, got ${showString(value)}${hint}`;
  }
  return undefined;
}

/**
 * A blob container name: 3-63 lowercase letters, digits and '-', starting and ending with a
 * letter or digit, no '--'.
 */
export function checkStorageContainerName(value: string): string | undefined {
  const problem = length(value, 3, 63);
  if (problem !== undefined) return `a container name ${problem}`;
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(value)) {
    return `a container name may contain only lowercase letters, digits and single '-' between them, got ${showString(value)}`;
  }
  return undefined;
}

/** A Key Vault name: 3-24 letters, digits and '-', starting with a letter, ending with a letter or digit, no '--'. */
export function checkKeyVaultName(value: string): string | undefined {
  const problem = length(value, 3, 24);
  if (problem !== undefined) return `a Key Vault name ${problem}`;
  if (!/^[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)*$/.test(value)) {
    return `a Key Vault name may contain only letters, digits and single '-', starting with a letter and ending with a letter or digit, got ${showString(value)}`;
  }
  return undefined;
}

/** A Key Vault key or secret name: 1-127 letters, digits and '-'. */
export function checkKeyVaultObjectName(value: string): string | undefined {
  const problem = length(value, 1, 127);
  if (problem !== undefined) return `a Key Vault key or secret name ${problem}`;
  if (!/^[A-Za-z0-9-]+$/.test(value)) {
    return `a Key Vault key or secret name may contain only letters, digits and '-', got ${showString(value)}`;
  }
  return undefined;
}

/** A container registry name: 5-50 letters and digits. */
export function checkContainerRegistryName(value: string): string | undefined {
  const problem = length(value, 5, 50);
  if (problem !== undefined) return `a container registry name ${problem}`;
  if (!/^[A-Za-z0-9]+$/.test(value)) {
    return `a container registry name may contain only letters and digits (the name, not the login server "<name>.azurecr.io"), got ${showString(value)}`;
  }
  return undefined;
}

/**
 * An Azure RBAC operation in a custom role, e.g.
 * `Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read` or `*\/read`: a provider
 * namespace (or `*`) and at least one more '/'-separated part; `*` wildcards allowed. A bare `*`
 * (every operation) is rejected: custom roles are for least privilege.
 */
export function checkRoleOperation(value: string): string | undefined {
  const shown = showString(value);
  if (value === "*") {
    return `"*" grants every operation (like Owner); list the operations the workload needs, e.g. "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"`;
  }
  if (!/^(\*|[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+)(\/[A-Za-z0-9*._-]+)+$/.test(value)) {
    return `expected an operation like "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read" (provider namespace, then '/'-separated parts), got ${shown}`;
  }
  return undefined;
}
