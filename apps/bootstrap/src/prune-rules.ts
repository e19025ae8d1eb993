/**
 * What `--prune` may delete. Only federated credentials and role assignments are ever deleted
 * (never identities or role definitions), and only when ALL of the following hold:
 *
 * 1. The managed identity is in the plan and already carries, in Azure, every tag the plan gives it
 *    (`managed-by=flotilla`, `flotilla-cluster=<cluster>`, `flotilla-identity=<key>`): it is
 *    flotilla's, for this cluster. Nothing is pruned on an identity flotilla is only adopting.
 * 2. Federated credential: not in the plan (by name), and named by flotilla's naming rule: a
 *    credential for the cluster's own issuer and a ServiceAccount subject
 *    `system:serviceaccount:<ns>:<sa>` is flotilla's only if its name is exactly the name flotilla
 *    derives for that subject (`serviceAccountCredentialName(ns, sa)`, i.e. `<ns>-<sa>`); any other
 *    credential is flotilla's only if its name starts with `ext-` (external federation entries).
 * 3. Role assignment: not in the plan (by name), assigned to the identity's principal, and its
 *    description is flotilla's marker for this cluster and identity
 *    (`roleAssignmentDescription(cluster, key)`: "managed by flotilla: cluster <c>, identity <k>").
 *
 * Anything else (credentials named by hand, assignments without the marker, assignments to other
 * principals) is foreign and left alone, whatever it grants.
 */
import { roleAssignmentDescription, serviceAccountCredentialName } from "@flotilla/workload-identity";
import type { ClusterIdentityPlan, PlannedIdentity } from "@flotilla/workload-identity";
import type { ObservedFic, ObservedRoleAssignment } from "./observe.js";

const SERVICE_ACCOUNT_SUBJECT = /^system:serviceaccount:([^:]+):([^:]+)$/;

/** Rule 1: the identity in Azure carries every tag the plan gives it. */
export function isFlotillaIdentity(observedTags: Record<string, string>, planned: PlannedIdentity): boolean {
  return Object.entries(planned.tags).every(([key, value]) => observedTags[key] === value);
}

/** Rule 2: a federated credential flotilla created (by its naming rule). */
export function isFlotillaCredential(fic: ObservedFic, cluster: ClusterIdentityPlan): boolean {
  const serviceAccount = SERVICE_ACCOUNT_SUBJECT.exec(fic.subject);
  if (serviceAccount && fic.issuer === cluster.oidcIssuerUrl) {
    return fic.name === serviceAccountCredentialName(serviceAccount[1]!, serviceAccount[2]!);
  }
  return fic.name.startsWith("ext-");
}

/** Rule 3: a role assignment flotilla created for this identity (by its description marker). */
export function isFlotillaRoleAssignment(assignment: ObservedRoleAssignment, cluster: ClusterIdentityPlan, identity: PlannedIdentity, principalId: string): boolean {
  return (
    assignment.principalId.toLowerCase() === principalId.toLowerCase() &&
    assignment.description === roleAssignmentDescription(cluster.cluster, identity.key)
  );
}
