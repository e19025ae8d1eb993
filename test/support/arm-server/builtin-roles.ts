import type { RolePermission } from "./state.js";

/**
 * Built-in role definitions seeded into every server. Names and GUIDs are the published
 * Azure built-in role IDs (docs "Azure built-in roles"); note Storage Blob Data Owner is
 * b7e6dc6d-f1e8-4753-8033-0f276bb0955b. Permission lists are abbreviated — enough for
 * least-privilege comparisons in tests, not a verbatim copy of Azure's definitions.
 */
export interface BuiltInRole {
  id: string;
  roleName: string;
  description: string;
  permissions: RolePermission[];
}

const perm = (p: Partial<RolePermission>): RolePermission => ({
  actions: p.actions ?? [],
  notActions: p.notActions ?? [],
  dataActions: p.dataActions ?? [],
  notDataActions: p.notDataActions ?? [],
});

const blob = "Microsoft.Storage/storageAccounts/blobServices";

export const BUILT_IN_ROLES: readonly BuiltInRole[] = [
  {
    id: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    roleName: "Storage Blob Data Contributor",
    description: "Read, write, and delete Azure Storage containers and blobs.",
    permissions: [
      perm({
        actions: [`${blob}/containers/delete`, `${blob}/containers/read`, `${blob}/containers/write`, `${blob}/generateUserDelegationKey/action`],
        dataActions: [`${blob}/containers/blobs/delete`, `${blob}/containers/blobs/read`, `${blob}/containers/blobs/write`, `${blob}/containers/blobs/move/action`, `${blob}/containers/blobs/add/action`],
      }),
    ],
  },
  {
    id: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    roleName: "Storage Blob Data Owner",
    description: "Provides full access to Azure Storage blob containers and data, including assigning POSIX access control.",
    permissions: [perm({ actions: [`${blob}/containers/*`, `${blob}/generateUserDelegationKey/action`], dataActions: [`${blob}/containers/blobs/*`] })],
  },
  {
    id: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    roleName: "Storage Blob Data Reader",
    description: "Read and list Azure Storage containers and blobs.",
    permissions: [
      perm({ actions: [`${blob}/containers/read`, `${blob}/generateUserDelegationKey/action`], dataActions: [`${blob}/containers/blobs/read`] }),
    ],
  },
  {
    id: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    roleName: "AcrPull",
    description: "Pull artifacts from a container registry.",
    permissions: [perm({ actions: ["Microsoft.ContainerRegistry/registries/pull/read"] })],
  },
  {
    id: "12338af0-0e69-4776-bea7-57ae8d297424",
    roleName: "Key Vault Crypto User",
    description: "Perform cryptographic operations using keys. Only works for key vaults that use the 'Azure role-based access control' permission model.",
    permissions: [
      perm({
        dataActions: [
          "Microsoft.KeyVault/vaults/keys/read",
          "Microsoft.KeyVault/vaults/keys/update/action",
          "Microsoft.KeyVault/vaults/keys/backup/action",
          "Microsoft.KeyVault/vaults/keys/encrypt/action",
          "Microsoft.KeyVault/vaults/keys/decrypt/action",
          "Microsoft.KeyVault/vaults/keys/wrap/action",
          "Microsoft.KeyVault/vaults/keys/unwrap/action",
          "Microsoft.KeyVault/vaults/keys/sign/action",
          "Microsoft.KeyVault/vaults/keys/verify/action",
        ],
      }),
    ],
  },
  {
    id: "4633458b-17de-408a-b874-0445c86b69e6",
    roleName: "Key Vault Secrets User",
    description: "Read secret contents. Only works for key vaults that use the 'Azure role-based access control' permission model.",
    permissions: [perm({ dataActions: ["Microsoft.KeyVault/vaults/secrets/getSecret/action", "Microsoft.KeyVault/vaults/secrets/readMetadata/action"] })],
  },
  {
    id: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    roleName: "Reader",
    description: "View all resources, but does not allow you to make any changes.",
    permissions: [perm({ actions: ["*/read"] })],
  },
];
