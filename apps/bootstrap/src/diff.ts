/**
 * Desired (the identity plan) vs. observed (Azure) → one change per resource:
 * create / update / adopt / unchanged / delete (delete only with prune; what flotilla owns is
 * recorded in Azure, see ownership.ts), each with the attributes that change, tags included.
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
import {
  credentialOrigin,
  credentialOwnershipReason,
  credentialTag,
  deleteTag,
  identityOrigin,
  isFlotillaRoleAssignment,
  ORIGIN_TAG,
  recordedCredentials,
  roleAssignmentOwnershipReason,
  setTag,
} from "./ownership.js";
import { MAX_FICS_PER_IDENTITY } from "./validate-plan.js";

/** Azure's limit of tags per resource. */
const MAX_TAGS = 50;

/** `adopt`: it exists, flotilla has no record of it; apply records it as adopted (and updates what differs). */
export type Action = "create" | "update" | "adopt" | "unchanged" | "delete";
export type ResourceKind = "role definition" | "identity" | "federated credential" | "role assignment";

export type AttributeValue = string | readonly string[];

/** One attribute: `before` absent = added, `after` absent = removed. */
export interface AttributeChange {
  name: string;
  before?: AttributeValue | undefined;
  after?: AttributeValue | undefined;
}

interface ChangeBase {
  action: Action;
  /** What is set (create), differs (update, adopt) or removed (delete). */
  attributes: AttributeChange[];
  /** Certain to fail: reported as failed, nothing is sent. */
  blocked?: string | undefined;
  /** Extra information shown on the line. */
  note?: string | undefined;
  /** Deletes: why the resource is flotilla's. */
  reason?: string | undefined;
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
  /** Tags to write: the existing ones, the plan's and flotilla's ownership records (tags added by people stay). */
  tags: Record<string, string>;
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
  /** Digest of what was read from Azure (set by readChanges; a saved plan is checked against it). */
  observedDigest?: string | undefined;
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
          identity: { kind: "identity", action: "unchanged", attributes: [], planned: identity, tags: identity.tags },
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

// ---- attributes ---------------------------------------------------------------------------------

const sameValue = (a: AttributeValue | undefined, b: AttributeValue | undefined) => JSON.stringify(a) === JSON.stringify(b);

/** The attributes of `after` that differ from `before` (every one of them when `before` is undefined). */
function attributeChanges(before: Record<string, AttributeValue> | undefined, after: Record<string, AttributeValue>): AttributeChange[] {
  const changes: AttributeChange[] = [];
  for (const [name, value] of Object.entries(after)) {
    const old = before?.[name];
    if (!sameValue(old, value)) changes.push({ name, before: old, after: value });
  }
  return changes;
}

/** `tags.<name>` changes, sorted by name. */
function tagChanges(before: Record<string, string>, after: Record<string, string>): AttributeChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names.filter((name) => before[name] !== after[name]).map((name) => ({ name: `tags.${name}`, before: before[name], after: after[name] }));
}

const removed = (attributes: Record<string, AttributeValue>): AttributeChange[] => Object.entries(attributes).map(([name, before]) => ({ name, before }));

// ---- role definitions ---------------------------------------------------------------------

function roleDefinitionAttributes(d: { roleName: string; description: string; actions: readonly string[]; notActions: readonly string[]; dataActions: readonly string[]; notDataActions: readonly string[]; assignableScopes: readonly string[] }) {
  return {
    roleName: d.roleName,
    description: d.description,
    actions: d.actions,
    notActions: d.notActions,
    dataActions: d.dataActions,
    notDataActions: d.notDataActions,
    assignableScopes: d.assignableScopes,
  };
}

function diffRoleDefinition(planned: PlannedRoleDefinition, seen: Observation<ObservedRoleDefinition> | undefined): RoleDefinitionChange {
  const base = { kind: "role definition" as const, planned };
  const wanted = roleDefinitionAttributes({ ...planned, assignableScopes: [scopeKey(planned.scope)] });
  if (!seen || seen.state === "error") return { ...base, action: "unchanged", attributes: [], readError: seen?.message ?? "not read" };
  if (seen.state === "absent") return { ...base, action: "create", attributes: attributeChanges(undefined, { ...wanted, assignableScopes: [planned.scope] }) };
  const permission = seen.value.permissions.length === 1 ? seen.value.permissions[0]! : {};
  const current = roleDefinitionAttributes({
    roleName: seen.value.roleName,
    description: seen.value.description,
    actions: permission.actions ?? [],
    notActions: permission.notActions ?? [],
    dataActions: permission.dataActions ?? [],
    notDataActions: permission.notDataActions ?? [],
    assignableScopes: seen.value.assignableScopes.map(scopeKey),
  });
  const attributes = attributeChanges(current, wanted);
  const blocked = seen.value.roleType && seen.value.roleType !== "CustomRole" ? `role definition ${planned.name} exists as a ${seen.value.roleType}` : undefined;
  return { ...base, action: attributes.length > 0 ? "update" : "unchanged", attributes, blocked };
}

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
    const tags: Record<string, string> = { ...planned.tags, [ORIGIN_TAG]: "created" };
    for (const fic of planned.federatedCredentials) setTag(tags, credentialTag(fic.name), "created");
    return {
      identity: {
        kind: "identity",
        action: "create",
        attributes: [{ name: "location", after: planned.location }, ...tagChanges({}, tags)],
        planned,
        tags,
        note: absentNote,
      },
      fics: planned.federatedCredentials.map((fic) => ficChange("create", fic.name, fic.subject, fic, attributeChanges(undefined, ficAttributes(fic)))),
      roleAssignments: planned.roleAssignments.map((a) => assignmentChange("create", a, customRoles, attributeChanges(undefined, assignmentAttributes(a)))),
      prunable: 0,
    };
  }
  const fics = diffFics(planned, observed, options);
  const identity = identityChange(cluster, planned, observed, fics.changes);
  const assignments = diffAssignments(cluster, planned, observed, customRoles, options);
  return { identity, fics: fics.changes, roleAssignments: assignments.changes, prunable: fics.prunable + assignments.prunable };
}

/** The tags after this run: the plan's merged over Azure's, the identity's origin, one record per credential that will exist. */
function identityChange(cluster: ClusterIdentityPlan, planned: PlannedIdentity, observed: ObservedIdentity, fics: readonly FicChange[]): IdentityChange {
  const tags = { ...observed.tags };
  const existing = new Set(observed.fics.map((f) => f.name.toLowerCase()));
  // A record of a credential that no longer exists (deleted by hand, or its creation never happened) is dropped.
  const plannedNames = new Set(planned.federatedCredentials.map((f) => f.name.toLowerCase()));
  for (const name of recordedCredentials(tags)) if (!existing.has(name) && !plannedNames.has(name)) deleteTag(tags, credentialTag(name));
  for (const [key, value] of Object.entries(planned.tags)) setTag(tags, key, value);
  const adopting = identityOrigin(observed.tags) === undefined;
  if (adopting) setTag(tags, ORIGIN_TAG, "adopted");
  for (const fic of fics) {
    if (fic.action === "create") setTag(tags, credentialTag(fic.name), "created");
    else if (fic.action === "adopt") setTag(tags, credentialTag(fic.name), "adopted");
  }
  const attributes = tagChanges(observed.tags, tags);
  const norm = (location: string) => location.replace(/\s+/g, "").toLowerCase();
  let blocked: string | undefined;
  if (norm(observed.location) !== norm(planned.location)) {
    blocked = `exists in location ${observed.location}, the fleet says ${planned.location}; an identity's location cannot change`;
  } else if (observed.tenantId && observed.tenantId.toLowerCase() !== cluster.tenantId.toLowerCase()) {
    blocked = `belongs to tenant ${observed.tenantId}, the fleet says ${cluster.tenantId}; check the subscription and tenant you are signed in to`;
  }
  if (blocked === undefined && Object.keys(tags).length > MAX_TAGS) {
    blocked = `would carry ${Object.keys(tags).length} tags (flotilla records one per federated credential); Azure allows ${MAX_TAGS} per resource: remove tags added by hand`;
  }
  const action: Action = adopting ? "adopt" : attributes.length > 0 ? "update" : "unchanged";
  const note = adopting ? "exists, not created by flotilla: its credentials and role assignments made before are never pruned" : undefined;
  return { kind: "identity", action, attributes, planned, observed, tags, blocked, note };
}

function ficChange(action: Action, name: string, subject: string, planned?: PlannedFederatedCredential, attributes: AttributeChange[] = []): FicChange {
  return { kind: "federated credential", action, name, subject, planned, attributes };
}

const ficAttributes = (fic: { issuer: string; subject: string; audiences: readonly string[] }) => ({ issuer: fic.issuer, subject: fic.subject, audiences: fic.audiences });

function diffFics(planned: PlannedIdentity, observed: ObservedIdentity, options: DiffOptions) {
  const plannedByName = new Map(planned.federatedCredentials.map((f) => [f.name.toLowerCase(), f]));
  const deletes: FicChange[] = [];
  const kept: ObservedFic[] = [];
  let prunable = 0;
  for (const fic of observed.fics) {
    if (plannedByName.has(fic.name.toLowerCase())) continue;
    const ours = credentialOrigin(observed.tags, fic.name) === "created";
    if (ours && options.prune) {
      const change = ficChange("delete", fic.name, fic.subject, undefined, removed(ficAttributes(fic)));
      change.reason = credentialOwnershipReason(planned.name, fic.name);
      deletes.push(change);
    } else {
      if (ours) prunable++;
      kept.push(fic);
    }
  }
  const existing = new Map(observed.fics.map((f) => [f.name.toLowerCase(), f]));
  // Slots left once deletes are done: credentials we keep (planned or foreign) count against the limit.
  let occupied = observed.fics.length - deletes.length;
  const writes = planned.federatedCredentials.map((fic) => {
    const seen = existing.get(fic.name.toLowerCase());
    let change: FicChange;
    if (seen) {
      const attributes = attributeChanges(ficAttributes(seen), ficAttributes(fic));
      const recorded = credentialOrigin(observed.tags, seen.name) !== undefined;
      change = ficChange(!recorded ? "adopt" : attributes.length > 0 ? "update" : "unchanged", seen.name, fic.subject, fic, attributes);
      if (!recorded) change.note = "exists, not created by flotilla: never pruned";
    } else {
      change = ficChange("create", fic.name, fic.subject, fic, attributeChanges(undefined, ficAttributes(fic)));
    }
    if (change.attributes.length === 0 && change.action !== "create") return change;
    const clash = kept.find((other) => other.issuer === fic.issuer && other.subject === fic.subject && other.name.toLowerCase() !== fic.name.toLowerCase());
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

const assignmentAttributes = (a: { roleName: string; scope: string; principalType?: string | undefined; description?: string | undefined }) => ({
  role: a.roleName,
  scope: a.scope,
  principalType: a.principalType ?? "(unset)",
  description: a.description ?? "",
});

function assignmentChange(action: Action, planned: PlannedRoleAssignment, customRoles: Set<string>, attributes: AttributeChange[] = []): RoleAssignmentChange {
  const guid = roleDefinitionGuid(planned.roleDefinitionId);
  return {
    kind: "role assignment",
    action,
    name: planned.name,
    scope: planned.scope,
    roleDefinitionId: planned.roleDefinitionId,
    roleName: planned.roleName,
    planned,
    attributes,
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

function diffAssignments(cluster: ClusterIdentityPlan, planned: PlannedIdentity, observed: ObservedIdentity, customRoles: Set<string>, options: DiffOptions) {
  const plannedNames = new Set(planned.roleAssignments.map((a) => a.name.toLowerCase()));
  const byName = new Map(observed.roleAssignments.map((a) => [a.name.toLowerCase(), a]));
  const ours = (a: ObservedRoleAssignment) => isFlotillaRoleAssignment(a, cluster, planned, observed.principalId);
  const deleting = (a: ObservedRoleAssignment) => options.prune && !plannedNames.has(a.name.toLowerCase()) && ours(a);

  const deletes: RoleAssignmentChange[] = observed.roleAssignments.filter(deleting).map((a) => {
    const roleName = roleNameOf(cluster, a.roleDefinitionId);
    return {
      kind: "role assignment",
      action: "delete",
      name: a.name,
      scope: a.scope,
      roleDefinitionId: a.roleDefinitionId,
      roleName,
      attributes: removed(assignmentAttributes({ ...a, roleName })),
      reason: roleAssignmentOwnershipReason(cluster, planned),
    };
  });
  const usedOtherNames = new Set<string>();
  const writes = planned.roleAssignments.map((assignment) => {
    const seen = byName.get(assignment.name.toLowerCase());
    if (seen) {
      if (!sameTarget(seen, assignment, observed.principalId)) {
        const change = assignmentChange("update", assignment, customRoles);
        change.blocked = `an assignment named ${seen.name} exists for another role or scope (${seen.scope}); delete it`;
        return change;
      }
      const attributes = attributeChanges(assignmentAttributes({ ...seen, scope: assignment.scope, roleName: assignment.roleName }), assignmentAttributes(assignment));
      return assignmentChange(attributes.length > 0 ? "update" : "unchanged", assignment, customRoles, attributes);
    }
    const equal = observed.roleAssignments.find((a) => !deleting(a) && sameTarget(a, assignment, observed.principalId));
    if (equal) {
      usedOtherNames.add(equal.name.toLowerCase());
      const change = assignmentChange("unchanged", assignment, customRoles);
      change.note = ours(equal) ? `exists as ${equal.name}` : `exists (created outside flotilla) as ${equal.name}`;
      return change;
    }
    return assignmentChange("create", assignment, customRoles, attributeChanges(undefined, assignmentAttributes(assignment)));
  });
  const prunable = options.prune
    ? 0
    : observed.roleAssignments.filter((a) => !plannedNames.has(a.name.toLowerCase()) && !usedOtherNames.has(a.name.toLowerCase()) && ours(a)).length;
  return { changes: [...deletes, ...writes], prunable };
}
