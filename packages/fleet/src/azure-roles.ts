/**
 * The Azure built-in roles a cluster's identities may be given by name, and the kinds of scope
 * each one makes sense at.
 *
 * IDs are the published built-in role definition GUIDs ("Azure built-in roles",
 * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles), the same in every
 * tenant. Any other role is written as a custom role (`customRoles` in the ClusterSpec).
 */

/** The kinds of resource a role assignment can be scoped to (the keys of a `RoleScopeInput`). */
export const ROLE_SCOPE_KINDS = [
  "storageContainer",
  "storageAccount",
  "keyVaultKey",
  "keyVaultSecret",
  "keyVault",
  "containerRegistry",
  "resourceGroup",
  "subscription",
] as const;

/** One of {@link ROLE_SCOPE_KINDS}. */
export type RoleScopeKind = (typeof ROLE_SCOPE_KINDS)[number];

/** A built-in Azure role flotilla knows by name. */
export interface BuiltInRole {
  /** The role's name as Azure shows it, e.g. `"Storage Blob Data Contributor"`. */
  readonly name: string;
  /** The role definition GUID (the last segment of its role definition ID). */
  readonly id: string;
  /** The scope kinds at which the role grants anything; others are rejected as a likely mistake. */
  readonly scopes: readonly RoleScopeKind[];
}

const BROAD: readonly RoleScopeKind[] = ["resourceGroup", "subscription"];
const STORAGE: readonly RoleScopeKind[] = ["storageContainer", "storageAccount", ...BROAD];

/** The built-in roles, sorted by name. */
export const BUILT_IN_ROLES: readonly BuiltInRole[] = [
  { name: "AcrPull", id: "7f951dda-4ed3-4680-a7ca-43fe172d538d", scopes: ["containerRegistry", ...BROAD] },
  { name: "Key Vault Crypto User", id: "12338af0-0e69-4776-bea7-57ae8d297424", scopes: ["keyVaultKey", "keyVault", ...BROAD] },
  { name: "Key Vault Secrets User", id: "4633458b-17de-408a-b874-0445c86b69e6", scopes: ["keyVaultSecret", "keyVault", ...BROAD] },
  // Managed Identity Operator, Network Contributor and Virtual Machine Contributor: what the
  // self-hosted Karpenter controller needs on the node resource group (its install guide).
  { name: "Managed Identity Operator", id: "f1a07417-d97a-45cb-824c-7a7467783830", scopes: BROAD },
  { name: "Network Contributor", id: "4d97b98b-1d4f-4787-a291-c67834d212e7", scopes: BROAD },
  { name: "Reader", id: "acdd72a7-3385-48ef-bd42-f606fba81ae7", scopes: ROLE_SCOPE_KINDS },
  { name: "Storage Blob Data Contributor", id: "ba92f5b4-2d11-453d-a403-e96b0029c9fe", scopes: STORAGE },
  { name: "Storage Blob Data Owner", id: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", scopes: STORAGE },
  { name: "Storage Blob Data Reader", id: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", scopes: STORAGE },
  { name: "Virtual Machine Contributor", id: "9980e02c-c2be-4d73-94e8-173b1dc7cf3c", scopes: BROAD },
];

/** The built-in role called `name` (exact, case-sensitive match), if flotilla knows it. */
export function builtInRole(name: string): BuiltInRole | undefined {
  return BUILT_IN_ROLES.find((role) => role.name === name);
}

/** How a scope kind is named in messages: "a storage container". */
export const SCOPE_KIND_NOUNS: Readonly<Record<RoleScopeKind, string>> = {
  storageContainer: "a storage container",
  storageAccount: "a storage account",
  keyVaultKey: "a Key Vault key",
  keyVaultSecret: "a Key Vault secret",
  keyVault: "a Key Vault",
  containerRegistry: "a container registry",
  resourceGroup: "a resource group",
  subscription: "the subscription",
};
