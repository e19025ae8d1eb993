/**
 * What flotilla owns, recorded in Azure when flotilla writes it, never inferred from names.
 *
 * - Identity: the tag `flotilla-origin` says `created` (flotilla's PUT created it) or `adopted`
 *   (it existed before flotilla first planned it; set on that first write, which the plan shows as
 *   "adopt"). Identities are never deleted either way.
 * - Federated credential: a tag `flotilla-fic-<name>` on its identity says `created` (written on
 *   the identity PUT that precedes the credential's creation) or `adopted` (it existed, by hand,
 *   when flotilla first planned it). The marker of a credential flotilla deletes is removed after
 *   the delete.
 * - Role assignment: its description `managed by flotilla: cluster <c>, identity <k>`, which only
 *   flotilla's own PUT of its deterministic name writes (`roleAssignmentDescription`).
 *
 * `--prune` deletes a credential only when its marker says `created`, and a role assignment only
 * when it carries the description and belongs to the identity's principal. Anything adopted or
 * made by hand, whatever its name, is never deleted.
 */
import { roleAssignmentDescription } from "@flotilla/workload-identity";
import type { ClusterIdentityPlan, PlannedIdentity } from "@flotilla/workload-identity";
import type { ObservedRoleAssignment } from "./observe.js";

export type Origin = "created" | "adopted";

export const ORIGIN_TAG = "flotilla-origin";
export const CREDENTIAL_TAG_PREFIX = "flotilla-fic-";

/** Azure tag names are case-insensitive: the key of `tags` equal to `name`, if any. */
function tagKey(tags: Record<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(tags).find((key) => key.toLowerCase() === lower);
}

const asOrigin = (value: string | undefined): Origin | undefined => (value === "created" || value === "adopted" ? value : undefined);

/** Sets a tag, replacing one whose name differs only in case. */
export function setTag(tags: Record<string, string>, name: string, value: string): void {
  const existing = tagKey(tags, name);
  if (existing !== undefined && existing !== name) delete tags[existing];
  tags[name] = value;
}

export function deleteTag(tags: Record<string, string>, name: string): void {
  const existing = tagKey(tags, name);
  if (existing !== undefined) delete tags[existing];
}

export const credentialTag = (credentialName: string) => `${CREDENTIAL_TAG_PREFIX}${credentialName.toLowerCase()}`;

/** The identity's recorded origin; undefined when flotilla has never written it. */
export function identityOrigin(tags: Record<string, string>): Origin | undefined {
  const key = tagKey(tags, ORIGIN_TAG);
  return asOrigin(key === undefined ? undefined : tags[key]);
}

/** The recorded origin of a credential of the identity; undefined when flotilla has no record of it. */
export function credentialOrigin(identityTags: Record<string, string>, credentialName: string): Origin | undefined {
  const key = tagKey(identityTags, credentialTag(credentialName));
  return asOrigin(key === undefined ? undefined : identityTags[key]);
}

/** Names (lower case) of the credentials the identity's tags record. */
export function recordedCredentials(identityTags: Record<string, string>): string[] {
  return Object.keys(identityTags)
    .filter((key) => key.toLowerCase().startsWith(CREDENTIAL_TAG_PREFIX))
    .map((key) => key.slice(CREDENTIAL_TAG_PREFIX.length).toLowerCase());
}

/** Why a credential is flotilla's to delete (shown by `plan --prune` and apply). */
export const credentialOwnershipReason = (identityName: string, credentialName: string) =>
  `flotilla created it: tag ${credentialTag(credentialName)}=created on ${identityName}`;

/** A role assignment flotilla created for this identity: its description marker and principal. */
export function isFlotillaRoleAssignment(assignment: ObservedRoleAssignment, cluster: ClusterIdentityPlan, identity: PlannedIdentity, principalId: string): boolean {
  return (
    assignment.principalId.toLowerCase() === principalId.toLowerCase() &&
    assignment.description === roleAssignmentDescription(cluster.cluster, identity.key)
  );
}

export const roleAssignmentOwnershipReason = (cluster: ClusterIdentityPlan, identity: PlannedIdentity) =>
  `flotilla created it: description "${roleAssignmentDescription(cluster.cluster, identity.key)}"`;
