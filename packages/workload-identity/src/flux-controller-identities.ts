import { builtInRole, type ClusterSpec, type RoleScope } from "@flotilla/fleet";
import { identityResourceId, roleDefinitionId, scopeId } from "./arm-ids.js";
import {
  identityAzureName,
  serviceAccountCredentialName,
  serviceAccountSubject,
} from "./naming.js";
import type { PlannedIdentity, PlannedRoleAssignment } from "./plan-types.js";
import { identityTags, plannedRoleAssignment } from "./planned-objects.js";

/** Namespace of Flux's controllers (their ServiceAccounts are Flux's own, not rendered by synth). */
export const FLUX_CONTROLLERS_NAMESPACE = "flux-system";

/** The Flux controllers flotilla gives an Azure identity. */
export type FluxController = "kustomize-controller" | "source-controller" | "image-reflector-controller";

/** A Flux controller that runs with a managed identity, and why. */
export interface FluxControllerIdentity {
  /** The controller (also its ServiceAccount and Deployment name in `flux-system`). */
  readonly controller: FluxController;
  /** The identity key in the plan and outputs: `flux-<controller>`. */
  readonly identity: string;
  /** The spec field that asks for it, for messages (`sops.azureKeyVault`, `flux.registry`, …). */
  readonly reason: string;
}

/** The identity key of a Flux controller: `flux-<controller>` (Azure name `id-<cluster>-flux-<controller>`). */
export function fluxControllerIdentityKey(controller: FluxController): string {
  return `flux-${controller}`;
}

const AUDIENCE = "api://AzureADTokenExchange";

interface ControllerNeed {
  controller: FluxController;
  reason: string;
  roles: { role: string; scope: RoleScope }[];
}

function controllerNeeds(spec: ClusterSpec): ControllerNeed[] {
  const needs: ControllerNeed[] = [];
  const vault = spec.sops?.azureKeyVault;
  if (vault !== undefined) {
    needs.push({
      controller: "kustomize-controller",
      reason: "sops.azureKeyVault",
      roles: [{ role: "Key Vault Crypto User", scope: { keyVaultKey: { vault: vault.vault, key: vault.key, resourceGroup: vault.resourceGroup } } }],
    });
  }
  const registry = spec.flux.registry;
  const acr = registry === undefined ? [] : [{ role: "AcrPull", scope: { containerRegistry: { name: registry.name, resourceGroup: registry.resourceGroup } } }];
  const azureDevOps = spec.flux.gitSources.some((source) => source.provider === "azure");
  if (registry !== undefined || azureDevOps) {
    // provider "azure" Git sources: the identity is granted access in Azure DevOps itself (no ARM role).
    needs.push({ controller: "source-controller", reason: registry !== undefined ? "flux.registry" : "flux.gitSources[].provider", roles: acr });
  }
  if (registry !== undefined) needs.push({ controller: "image-reflector-controller", reason: "flux.registry", roles: acr });
  return needs;
}

/** The Flux controllers of a cluster that run with a managed identity, in a stable order. */
export function fluxControllerIdentities(spec: ClusterSpec): FluxControllerIdentity[] {
  return controllerNeeds(spec).map(({ controller, reason }) => ({ controller, identity: fluxControllerIdentityKey(controller), reason }));
}

/**
 * The managed identities of Flux's controllers: kustomize-controller with Key Vault Crypto User on
 * the SOPS key (`sops.azureKeyVault`), source-controller and image-reflector-controller with
 * AcrPull on `flux.registry`. Each is federated with `system:serviceaccount:flux-system:<controller>`
 * (issuer: the cluster's OIDC issuer). Their credentials have no `serviceAccount`: the
 * ServiceAccounts are Flux's own, annotated by the `flux-system-patches` component synth renders.
 */
export function planFluxControllerIdentities(spec: ClusterSpec): { identity: PlannedIdentity; reason: string }[] {
  const { subscriptionId, oidcIssuerUrl, location, resourceGroup } = spec.azure;
  return controllerNeeds(spec).map(({ controller, reason, roles }) => {
    const key = fluxControllerIdentityKey(controller);
    const name = identityAzureName(spec.name, key);
    const resourceId = identityResourceId(subscriptionId, resourceGroup, name);
    const roleAssignments = roles.map(({ role: roleName, scope: roleScope }): PlannedRoleAssignment => {
      const role = builtInRole(roleName);
      if (role === undefined) throw new Error(`built-in role ${roleName} is missing from BUILT_IN_ROLES`);
      const scope = scopeId(subscriptionId, roleScope);
      return plannedRoleAssignment({
        cluster: spec.name,
        identityKey: key,
        identityResourceId: resourceId,
        roleDefinitionId: roleDefinitionId(subscriptionId, role.id),
        roleName: role.name,
        scope,
      });
    });
    const identity: PlannedIdentity = {
      key,
      name,
      resourceGroup,
      location,
      tags: identityTags(spec.name, key),
      resourceId,
      federatedCredentials: [
        {
          name: serviceAccountCredentialName(FLUX_CONTROLLERS_NAMESPACE, controller),
          issuer: oidcIssuerUrl,
          subject: serviceAccountSubject(FLUX_CONTROLLERS_NAMESPACE, controller),
          audiences: [AUDIENCE],
        },
      ],
      roleAssignments,
    };
    return { identity, reason };
  });
}
