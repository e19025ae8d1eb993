import { MANAGED_BY, roleAssignmentDescription, TAGS } from "./naming.js";
import type { PlannedRoleAssignment } from "./plan-types.js";
import { FLOTILLA_GUID_NAMESPACE, uuidV5 } from "./uuid.js";

/** The tags that mark an identity as flotilla's, for one cluster and identity key. */
export function identityTags(cluster: string, key: string): Record<string, string> {
  return { [TAGS.cluster]: cluster, [TAGS.identity]: key, [TAGS.managedBy]: MANAGED_BY };
}

export interface RoleAssignmentInput {
  cluster: string;
  /** The identity's key (its name in the spec). */
  identityKey: string;
  identityResourceId: string;
  roleDefinitionId: string;
  roleName: string;
  scope: string;
}

/**
 * A role assignment of a flotilla identity. Its name is a UUID v5 over identity, role definition
 * and scope, lowercased because Azure compares resource IDs without regard to case: the same
 * inputs always give the same name, so re-applying never creates a second assignment.
 */
export function plannedRoleAssignment(input: RoleAssignmentInput): PlannedRoleAssignment {
  const { identityResourceId, roleDefinitionId, scope } = input;
  return {
    name: uuidV5(FLOTILLA_GUID_NAMESPACE, `${identityResourceId}\n${roleDefinitionId}\n${scope}`.toLowerCase()),
    scope,
    roleDefinitionId,
    roleName: input.roleName,
    principalType: "ServicePrincipal",
    description: roleAssignmentDescription(input.cluster, input.identityKey),
  };
}
