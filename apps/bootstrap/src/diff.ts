/**
 * Desired (the identity plan) vs. observed (Azure) → one change per resource:
 * create / update / unchanged / delete (delete only with prune, see prune-rules.ts).
 * Pure: no I/O. Problems that are certain before any request (a 21st credential, an issuer and
 * subject already federated by a foreign credential, a location that cannot change) become
 * `blocked` changes: apply reports them as failed without sending anything.
 */
import { BUILT_IN_ROLES } from "@flotilla/fleet";
import type {
  ClusterIdentityPlan,
  PlannedFederatedCredential,
  PlannedIdentity,
  PlannedRoleAssignment,
  PlannedRoleDefinition,
} from "@flotilla/workload-identity";
import { roleDefinitionGuid, scopeKey } from "./arm-scope.js";
import type { Observation, ObservedCluster, ObservedFic, ObservedIdentity, ObservedRoleAssignment, ObservedRoleDefinition } from "./observe.js";
import { isFlotillaCredential, isFlotillaIdentity, isFlotillaRoleAssignment } from "./prune-rules.js";
import { MAX_FICS_PER_IDENTITY } from "./validate-plan.js";

export type Action = "create" | "update" | "unchanged" | "delete";
export type ResourceKind = "role definition" | "identity" | "federated credential" | "role assignment";

interface ChangeBase {
  action: Action;
  /** What differs (update) or what is deleted, short phrases. */
  details: string[];
  /** Certain to fail: reported as failed, nothing is sent. */
  blocked?: string | undefined;
  /** Extra information shown on the line. */
  note?: string | undefined;
}

export interface RoleDefinitionChange extends ChangeBase {
  kind: "role definition";
  planned: PlannedRoleDefinition;
  /** The definition could not be read: nothing is done with it or with assignments of it. */
  readError?: string | undefined;
}

export interface IdentityChange extends ChangeBase {
  kind: "identity";
  planned: PlannedIdentity;
  observed?: ObservedIdentity | undefined;
  /** Tags to write: the existing ones with the plan's merged over them (tags added by people stay). */
  tags: Record<string, string>;
  /** Azure already tags the identity as flotilla's for this cluster (prune rule 1). */
  owned: boolean;
}

export interface FicChange extends ChangeBase {
  kind: "federated credential";
  name: string;
  /** Absent for deletes. */
  planned?: PlannedFederatedCredential | undefined;
  subject: string;
}

export interface RoleAssignmentChange extends ChangeBase {
  kind: "role assignment";
  name: string;
  scope: string;
  roleDefinitionId: string;
  roleName: string;
  /** Absent for deletes. */
  planned?: PlannedRoleAssignment | undefined;
  /** GUID of a role definition of this plan the assignment needs (it is created first). */
  needsRoleDefinition?: string | undefined;
}

export interface IdentityChanges {
  identity: IdentityChange;
  /** Deletes first, then creates and updates (frees slots and issuer/subject pairs first). */
  fics: FicChange[];
  /** Deletes first, then creates and updates. */
  roleAssignments: RoleAssignmentChange[];
  /** The identity could not be read: nothing is done with it. */
  readError?: string | undefined;
  /** flotilla-created credentials and assignments no longer planned, kept because prune is off. */
  prunable: number;
}

export interface ClusterChanges {
  plan: ClusterIdentityPlan;
  roleDefinitions: RoleDefinitionChange[];
  identities: IdentityChanges[];
}

export interface DiffOptions {
  prune: boolean;
}

export function diffCluster(plan: ClusterIdentityPlan, observed: ObservedCluster, options: DiffOptions): ClusterChanges {
  const customRoles = new Set(plan.roleDefinitions.map((d) => d.name.toLowerCase()));
  return {
    plan,
    roleDefinitions: plan.roleDefinitions.map((definition) => diffRoleDefinition(definition, observed.roleDefinitions.get(definition.name))),
    identities: plan.identities.map((identity) => {
      const seen = observed.identities.get(identity.key) ?? { state: "error" as const, message: "not read" };
      if (seen.state === "error") {
        return {
          identity: { kind: "identity", action: "unchanged", details: [], planned: identity, tags: identity.tags, owned: false },
          fics: [],
          roleAssignments: [],
          readError: seen.message,
          prunable: 0,
        };
      }
      return diffIdentity(plan, identity, seen.state === "found" ? seen.value : undefined, seen.state === "absent" ? seen.note : undefined, customRoles, options);
    }),
  };
}

// ---- role definitions ---------------------------------------------------------------------

function diffRoleDefinition(planned: PlannedRoleDefinition, seen: Observation<ObservedRoleDefinition> | undefined): RoleDefinitionChange {
  const base = { kind: "role definition" as const, planned };
  if (!seen || seen.state === "error") return { ...base, action: "unchanged", details: [], readError: seen?.message ?? "not read" };
  if (seen.state === "absent") return { ...base, action: "create", details: [] };
  const details = roleDefinitionDifferences(planned, seen.value);
  const blocked = seen.value.roleType && seen.value.roleType !== "CustomRole" ? `role definition ${planned.name} exists as a ${seen.value.roleType}` : undefined;
  return { ...base, action: details.length > 0 ? "update" : "unchanged", details, blocked };
}

function roleDefinitionDifferences(planned: PlannedRoleDefinition, seen: ObservedRoleDefinition): string[] {
  const details: string[] = [];
  if (seen.roleName !== planned.roleName) details.push(`roleName ${JSON.stringify(seen.roleName)} → ${JSON.stringify(planned.roleName)}`);
  if (seen.description !== planned.description) details.push("description");
  const permission = seen.permissions.length === 1 ? seen.permissions[0]! : undefined;
  const lists = ["actions", "notActions", "dataActions", "notDataActions"] as const;
  for (const list of lists) {
    if (!permission || !sameList(permission[list] ?? [], planned[list])) details.push(list);
  }
  const scopes = seen.assignableScopes.map(scopeKey);
  if (scopes.length !== 1 || scopes[0] !== scopeKey(planned.scope)) details.push("assignableScopes");
  return details;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

// ---- identities ------------------------------------------------------------------------------

function diffIdentity(
  cluster: ClusterIdentityPlan,
  planned: PlannedIdentity,
  observed: ObservedIdentity | undefined,
  absentNote: string | undefined,
  customRoles: Set<string>,
  options: DiffOptions,
): IdentityChanges {
  if (!observed) {
    return {
      identity: { kind: "identity", action: "create", details: [], planned, tags: { ...planned.tags }, owned: false, note: absentNote },
      fics: planned.federatedCredentials.map((fic) => ficChange("create", fic.name, fic.subject, fic)),
      roleAssignments: planned.roleAssignments.map((a) => assignmentChange("create", a, customRoles)),
      prunable: 0,
    };
  }
  const owned = isFlotillaIdentity(observed.tags, planned);
  const identity = identityChange(cluster, planned, observed, owned);
  const fics = diffFics(cluster, planned, observed, owned, options);
  const assignments = diffAssignments(cluster, planned, observed, owned, customRoles, options);
  return { identity, fics: fics.changes, roleAssignments: assignments.changes, prunable: fics.prunable + assignments.prunable };
}

function identityChange(cluster: ClusterIdentityPlan, planned: PlannedIdentity, observed: ObservedIdentity, owned: boolean): IdentityChange {
  const tags = { ...observed.tags, ...planned.tags };
  const details = Object.entries(planned.tags)
    .filter(([key, value]) => observed.tags[key] !== value)
    .map(([key, value]) => `tag ${key}=${value}`);
  const norm = (location: string) => location.replace(/\s+/g, "").toLowerCase();
  let blocked: string | undefined;
  if (norm(observed.location) !== norm(planned.location)) {
    blocked = `exists in location ${observed.location}, the fleet says ${planned.location}; an identity's location cannot change`;
  } else if (observed.tenantId && observed.tenantId.toLowerCase() !== cluster.tenantId.toLowerCase()) {
    blocked = `belongs to tenant ${observed.tenantId}, the fleet says ${cluster.tenantId}; check the subscription and tenant you are signed in to`;
  }
  return { kind: "identity", action: details.length > 0 ? "update" : "unchanged", details, planned, observed, tags, owned, blocked };
}

function ficChange(action: Action, name: string, subject: string, planned?: PlannedFederatedCredential, details: string[] = []): FicChange {
  return { kind: "federated credential", action, name, subject, planned, details };
}

function ficDifferences(planned: PlannedFederatedCredential, seen: ObservedFic): string[] {
  const details: string[] = [];
  if (seen.issuer !== planned.issuer) details.push(`issuer ${seen.issuer} → ${planned.issuer}`);
  if (seen.subject !== planned.subject) details.push(`subject ${seen.subject} → ${planned.subject}`);
  if (!sameList(seen.audiences, planned.audiences)) details.push(`audiences ${seen.audiences.join(",")} → ${planned.audiences.join(",")}`);
  return details;
}

function diffFics(cluster: ClusterIdentityPlan, planned: PlannedIdentity, observed: ObservedIdentity, owned: boolean, options: DiffOptions) {
  const plannedByName = new Map(planned.federatedCredentials.map((f) => [f.name.toLowerCase(), f]));
  const deletes: FicChange[] = [];
  const kept: ObservedFic[] = [];
  let prunable = 0;
  for (const fic of observed.fics) {
    if (plannedByName.has(fic.name.toLowerCase())) continue;
    const ours = owned && isFlotillaCredential(fic, cluster);
    if (ours && options.prune) deletes.push(ficChange("delete", fic.name, fic.subject));
    else {
      if (ours) prunable++;
      kept.push(fic);
    }
  }
  const existing = new Map(observed.fics.map((f) => [f.name.toLowerCase(), f]));
  // Slots left once deletes are done: credentials we keep (planned or foreign) count against the limit.
  let occupied = observed.fics.length - deletes.length;
  const writes = planned.federatedCredentials.map((fic) => {
    const seen = existing.get(fic.name.toLowerCase());
    const change = seen
      ? ((details) => ficChange(details.length > 0 ? "update" : "unchanged", seen.name, fic.subject, fic, details))(ficDifferences(fic, seen))
      : ficChange("create", fic.name, fic.subject, fic);
    if (change.action === "unchanged") return change;
    const clash = kept.find((other) => other.issuer === fic.issuer && other.subject === fic.subject);
    if (clash) {
      change.blocked = `credential ${clash.name} (not flotilla's, or kept because --prune is off) already federates this issuer and subject; delete it or run with --prune if flotilla created it`;
    } else if (change.action === "create") {
      if (occupied >= MAX_FICS_PER_IDENTITY) {
        change.blocked = `the identity already has ${occupied} federated credentials; Azure allows ${MAX_FICS_PER_IDENTITY} (remove credentials not in the plan, or run with --prune for flotilla's own)`;
      } else occupied++;
    }
    return change;
  });
  return { changes: [...deletes, ...writes], prunable };
}

// ---- role assignments ---------------------------------------------------------------------------

function assignmentChange(action: Action, planned: PlannedRoleAssignment, customRoles: Set<string>, details: string[] = []): RoleAssignmentChange {
  const guid = roleDefinitionGuid(planned.roleDefinitionId);
  return {
    kind: "role assignment",
    action,
    name: planned.name,
    scope: planned.scope,
    roleDefinitionId: planned.roleDefinitionId,
    roleName: planned.roleName,
    planned,
    details,
    needsRoleDefinition: customRoles.has(guid) ? guid : undefined,
  };
}

/** A role's name for display: built-in roles and this plan's custom roles by name, others by GUID. */
function roleNameOf(cluster: ClusterIdentityPlan, roleDefinitionId: string): string {
  const guid = roleDefinitionGuid(roleDefinitionId);
  return (
    BUILT_IN_ROLES.find((role) => role.id === guid)?.name ??
    cluster.roleDefinitions.find((definition) => definition.name.toLowerCase() === guid)?.roleName ??
    `role ${guid}`
  );
}

const sameTarget = (a: ObservedRoleAssignment, planned: PlannedRoleAssignment, principalId: string) =>
  scopeKey(a.scope) === scopeKey(planned.scope) &&
  roleDefinitionGuid(a.roleDefinitionId) === roleDefinitionGuid(planned.roleDefinitionId) &&
  a.principalId.toLowerCase() === principalId.toLowerCase();

function diffAssignments(
  cluster: ClusterIdentityPlan,
  planned: PlannedIdentity,
  observed: ObservedIdentity,
  owned: boolean,
  customRoles: Set<string>,
  options: DiffOptions,
) {
  const plannedNames = new Set(planned.roleAssignments.map((a) => a.name.toLowerCase()));
  const byName = new Map(observed.roleAssignments.map((a) => [a.name.toLowerCase(), a]));
  const ours = (a: ObservedRoleAssignment) => owned && isFlotillaRoleAssignment(a, cluster, planned, observed.principalId);
  const deleting = (a: ObservedRoleAssignment) => options.prune && !plannedNames.has(a.name.toLowerCase()) && ours(a);

  const deletes: RoleAssignmentChange[] = observed.roleAssignments.filter(deleting).map((a) => ({
    kind: "role assignment",
    action: "delete",
    name: a.name,
    scope: a.scope,
    roleDefinitionId: a.roleDefinitionId,
    roleName: roleNameOf(cluster, a.roleDefinitionId),
    details: [],
  }));
  const usedOtherNames = new Set<string>();
  const writes = planned.roleAssignments.map((assignment) => {
    const seen = byName.get(assignment.name.toLowerCase());
    if (seen) {
      if (!sameTarget(seen, assignment, observed.principalId)) {
        const change = assignmentChange("update", assignment, customRoles);
        change.blocked = `an assignment named ${seen.name} exists for another role or scope (${seen.scope}); delete it`;
        return change;
      }
      const details: string[] = [];
      if ((seen.description ?? "") !== assignment.description) details.push("description");
      if (seen.principalType !== assignment.principalType) details.push(`principalType ${seen.principalType ?? "unset"} → ${assignment.principalType}`);
      return assignmentChange(details.length > 0 ? "update" : "unchanged", assignment, customRoles, details);
    }
    const equal = observed.roleAssignments.find((a) => !deleting(a) && sameTarget(a, assignment, observed.principalId));
    if (equal) {
      usedOtherNames.add(equal.name.toLowerCase());
      const change = assignmentChange("unchanged", assignment, customRoles);
      change.note = ours(equal) ? `exists as ${equal.name}` : `exists (created outside flotilla) as ${equal.name}`;
      return change;
    }
    return assignmentChange("create", assignment, customRoles);
  });
  const prunable = options.prune
    ? 0
    : observed.roleAssignments.filter((a) => !plannedNames.has(a.name.toLowerCase()) && !usedOtherNames.has(a.name.toLowerCase()) && ours(a)).length;
  return { changes: [...deletes, ...writes], prunable };
}
