import type { CustomRoleScope, RoleScope } from "@flotilla/fleet";

/** The subscription's ARM ID: `/subscriptions/<id>`. */
export function subscriptionId(subscription: string): string {
  return `/subscriptions/${subscription}`;
}

/** A resource group's ARM ID. */
export function resourceGroupId(subscription: string, resourceGroup: string): string {
  return `${subscriptionId(subscription)}/resourceGroups/${resourceGroup}`;
}

/** A user-assigned managed identity's ARM ID. */
export function identityResourceId(subscription: string, resourceGroup: string, name: string): string {
  return `${resourceGroupId(subscription, resourceGroup)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
}

/**
 * The role definition ID role assignments refer to:
 * `/subscriptions/<id>/providers/Microsoft.Authorization/roleDefinitions/<guid>`, the form Azure
 * returns for built-in and custom roles alike.
 */
export function roleDefinitionId(subscription: string, guid: string): string {
  return `${subscriptionId(subscription)}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
}

/** The ARM ID of a role assignment scope (the resource itself; the subscription is the cluster's). */
export function scopeId(subscription: string, scope: RoleScope | CustomRoleScope): string {
  if ("subscription" in scope) return subscriptionId(subscription);
  const provider = (resourceGroup: string, path: string) => `${resourceGroupId(subscription, resourceGroup)}/providers/${path}`;
  if ("storageContainer" in scope) {
    const { account, container, resourceGroup } = scope.storageContainer;
    return provider(resourceGroup, `Microsoft.Storage/storageAccounts/${account}/blobServices/default/containers/${container}`);
  }
  if ("storageAccount" in scope) return provider(scope.storageAccount.resourceGroup, `Microsoft.Storage/storageAccounts/${scope.storageAccount.name}`);
  if ("keyVaultKey" in scope) {
    const { vault, key, resourceGroup } = scope.keyVaultKey;
    return provider(resourceGroup, `Microsoft.KeyVault/vaults/${vault}/keys/${key}`);
  }
  if ("keyVaultSecret" in scope) {
    const { vault, secret, resourceGroup } = scope.keyVaultSecret;
    return provider(resourceGroup, `Microsoft.KeyVault/vaults/${vault}/secrets/${secret}`);
  }
  if ("keyVault" in scope) return provider(scope.keyVault.resourceGroup, `Microsoft.KeyVault/vaults/${scope.keyVault.name}`);
  if ("containerRegistry" in scope) {
    return provider(scope.containerRegistry.resourceGroup, `Microsoft.ContainerRegistry/registries/${scope.containerRegistry.name}`);
  }
  return resourceGroupId(subscription, scope.resourceGroup);
}

/** Whether ARM scope `inner` is `outer` or lies below it (ARM IDs compare case-insensitively). */
export function isSameOrInsideScope(inner: string, outer: string): boolean {
  const a = inner.toLowerCase();
  const b = outer.toLowerCase();
  return a === b || a.startsWith(`${b}/`);
}
