/** How each resource is named on screen (plan lines, progress lines, errors). */
import type { PlannedIdentity } from "@flotilla/workload-identity";
import type { FicChange, IdentityChange, RoleAssignmentChange, RoleDefinitionChange } from "./diff.js";

export function roleDefinitionAddress(change: RoleDefinitionChange): string {
  return `${change.planned.roleName} (${change.planned.name})`;
}

export function identityAddress(change: IdentityChange): string {
  return `${change.planned.name} (key ${change.planned.key}, resource group ${change.planned.resourceGroup})`;
}

export function ficAddress(identity: PlannedIdentity, change: FicChange): string {
  return `${identity.name}/${change.name} (${change.subject})`;
}

export function roleAssignmentAddress(identity: PlannedIdentity, change: RoleAssignmentChange): string {
  return `${identity.name}: ${change.roleName} on ${change.scope} (${change.name})`;
}
