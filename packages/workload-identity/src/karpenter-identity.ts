import { builtInRole, type ClusterSpec } from "@flotilla/fleet";
import { controllerRoleAssignments, KARPENTER_CONTROLLER } from "@flotilla/karpenter/model";
import { identityResourceId, roleDefinitionId } from "./arm-ids.js";
import {
  identityAzureName,
  serviceAccountCredentialName,
  serviceAccountSubject,
} from "./naming.js";
import type { PlannedIdentity, PlannedRoleAssignment } from "./plan-types.js";
import { identityTags, plannedRoleAssignment } from "./planned-objects.js";

/** The identity key of the self-hosted Karpenter controller (`id-<cluster>-karpenter` in Azure). */
export const KARPENTER_CONTROLLER_IDENTITY = KARPENTER_CONTROLLER.identityKey;

const AUDIENCE = "api://AzureADTokenExchange";

/**
 * The managed identity of a self-hosted Karpenter controller (`karpenter.mode: "self-hosted"`):
 * federated with its ServiceAccount `kube-system/karpenter-sa` (which synth renders, annotated with
 * the identity's client ID, next to the controller's HelmRelease), with the roles the provider's
 * install guide grants: Virtual Machine Contributor, Network Contributor and Managed Identity
 * Operator on the node resource group, plus Network Contributor on every virtual network outside
 * it whose subnet nodes join (`controllerRoleAssignments`). `undefined` in node auto-provisioning
 * mode or without Karpenter: AKS runs that controller with its own identity.
 */
export function karpenterControllerIdentity(spec: ClusterSpec): PlannedIdentity | undefined {
  const karpenter = spec.karpenter;
  if (karpenter?.mode !== "self-hosted") return undefined;
  const { subscriptionId, oidcIssuerUrl, location, resourceGroup } = spec.azure;
  const key = KARPENTER_CONTROLLER_IDENTITY;
  const name = identityAzureName(spec.name, key);
  const resourceId = identityResourceId(subscriptionId, resourceGroup, name);
  const subnets = spec.nodePools.flatMap((pool) => (pool.nodeClass.vnetSubnetID === undefined ? [] : [pool.nodeClass.vnetSubnetID]));
  const roleAssignments = controllerRoleAssignments(subscriptionId, karpenter, subnets).map(({ role: roleName, scope }): PlannedRoleAssignment => {
    const role = builtInRole(roleName);
    if (role === undefined) throw new Error(`built-in role ${roleName} is missing from BUILT_IN_ROLES`);
    return plannedRoleAssignment({
      cluster: spec.name,
      identityKey: key,
      identityResourceId: resourceId,
      roleDefinitionId: roleDefinitionId(subscriptionId, role.id),
      roleName: role.name,
      scope,
    });
  });
  const namespace = karpenter.namespace;
  const account = karpenter.serviceAccount;
  return {
    key,
    name,
    resourceGroup,
    location,
    tags: identityTags(spec.name, key),
    resourceId,
    federatedCredentials: [
      {
        name: serviceAccountCredentialName(namespace, account),
        issuer: oidcIssuerUrl,
        subject: serviceAccountSubject(namespace, account),
        audiences: [AUDIENCE],
        serviceAccount: { namespace, name: account },
      },
    ],
    roleAssignments: roleAssignments.sort(
      (a, b) => compare(a.scope, b.scope) || compare(a.roleName, b.roleName) || compare(a.name, b.name),
    ),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
