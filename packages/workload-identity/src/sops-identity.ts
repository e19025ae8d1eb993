import { builtInRole, type ClusterSpec } from "@flotilla/fleet";
import { identityResourceId, roleDefinitionId, scopeId } from "./arm-ids.js";
import {
  identityAzureName,
  MANAGED_BY,
  roleAssignmentDescription,
  serviceAccountCredentialName,
  serviceAccountSubject,
  TAGS,
} from "./naming.js";
import type { PlannedIdentity } from "./plan-types.js";
import { FLOTILLA_GUID_NAMESPACE, uuidV5 } from "./uuid.js";

/**
 * The identity key of Flux's kustomize-controller when a cluster's secrets are encrypted with an
 * Azure Key Vault key (`sops.azureKeyVault`): it decrypts them in the cluster with this identity.
 */
export const KUSTOMIZE_CONTROLLER_IDENTITY = "flux-kustomize-controller";

/** The ServiceAccount Flux's kustomize-controller runs as (created by Flux, not by synth). */
export const KUSTOMIZE_CONTROLLER_SERVICE_ACCOUNT = { namespace: "flux-system", name: "kustomize-controller" } as const;

const AUDIENCE = "api://AzureADTokenExchange";

/**
 * The managed identity kustomize-controller decrypts SOPS files with: federated with
 * `system:serviceaccount:flux-system:kustomize-controller` and granted "Key Vault Crypto User" on
 * the one key (the narrowest scope). Its credential has no `serviceAccount`: the ServiceAccount
 * is Flux's own and is not rendered by synth (annotating it with the client ID is done where Flux
 * is configured; see the README's "Secrets" section). `undefined` without `sops.azureKeyVault`.
 */
export function kustomizeControllerIdentity(spec: ClusterSpec): PlannedIdentity | undefined {
  const vault = spec.sops?.azureKeyVault;
  if (vault === undefined) return undefined;
  const { subscriptionId, oidcIssuerUrl, location, resourceGroup } = spec.azure;
  const name = identityAzureName(spec.name, KUSTOMIZE_CONTROLLER_IDENTITY);
  const resourceId = identityResourceId(subscriptionId, resourceGroup, name);
  const role = builtInRole("Key Vault Crypto User");
  if (role === undefined) throw new Error("built-in role Key Vault Crypto User is missing from BUILT_IN_ROLES");
  const scope = scopeId(subscriptionId, { keyVaultKey: { vault: vault.vault, key: vault.key, resourceGroup: vault.resourceGroup } });
  const definitionId = roleDefinitionId(subscriptionId, role.id);
  const { namespace, name: account } = KUSTOMIZE_CONTROLLER_SERVICE_ACCOUNT;
  return {
    key: KUSTOMIZE_CONTROLLER_IDENTITY,
    name,
    resourceGroup,
    location,
    tags: { [TAGS.cluster]: spec.name, [TAGS.identity]: KUSTOMIZE_CONTROLLER_IDENTITY, [TAGS.managedBy]: MANAGED_BY },
    resourceId,
    federatedCredentials: [
      {
        name: serviceAccountCredentialName(namespace, account),
        issuer: oidcIssuerUrl,
        subject: serviceAccountSubject(namespace, account),
        audiences: [AUDIENCE],
      },
    ],
    roleAssignments: [
      {
        name: uuidV5(FLOTILLA_GUID_NAMESPACE, `${resourceId}\n${definitionId}\n${scope}`.toLowerCase()),
        scope,
        roleDefinitionId: definitionId,
        roleName: role.name,
        principalType: "ServicePrincipal",
        description: roleAssignmentDescription(spec.name, KUSTOMIZE_CONTROLLER_IDENTITY),
      },
    ],
  };
}
