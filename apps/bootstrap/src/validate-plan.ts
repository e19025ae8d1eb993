/**
 * Last line of defence before anything is sent: the plan handed to plan/apply must respect
 * Azure's hard limits, whoever built it. planIdentities() already reports these as fleet
 * problems; this check makes apply refuse a hand-built or corrupted plan before any request
 * (so a 21st federated credential is never sent).
 */
import type { IdentityPlan } from "@flotilla/workload-identity";

export const MAX_FICS_PER_IDENTITY = 20;
const FIC_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-_]{2,119}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One message per violation, empty when the plan can be applied. */
export function validatePlan(plan: IdentityPlan): string[] {
  const problems: string[] = [];
  const clusters = new Set<string>();
  for (const cluster of plan.clusters) {
    const at = `cluster ${cluster.cluster}`;
    if (clusters.has(cluster.cluster)) problems.push(`${at}: appears twice in the plan`);
    clusters.add(cluster.cluster);
    const keys = new Set<string>();
    const names = new Set<string>();
    for (const identity of cluster.identities) {
      const id = `${at}, identity ${identity.key}`;
      if (keys.has(identity.key)) problems.push(`${id}: identity key used twice`);
      if (names.has(identity.resourceId.toLowerCase())) problems.push(`${id}: managed identity ${identity.name} planned twice`);
      keys.add(identity.key);
      names.add(identity.resourceId.toLowerCase());
      const fics = identity.federatedCredentials;
      if (fics.length > MAX_FICS_PER_IDENTITY) {
        problems.push(`${id}: ${fics.length} federated credentials planned; Azure allows at most ${MAX_FICS_PER_IDENTITY} per managed identity`);
      }
      const ficNames = new Set<string>();
      const subjects = new Set<string>();
      for (const fic of fics) {
        if (!FIC_NAME.test(fic.name)) problems.push(`${id}: federated credential name ${JSON.stringify(fic.name)} is not valid in Azure`);
        if (ficNames.has(fic.name.toLowerCase())) problems.push(`${id}: federated credential ${fic.name} planned twice`);
        ficNames.add(fic.name.toLowerCase());
        const pair = `${fic.issuer}\n${fic.subject}`;
        if (subjects.has(pair)) problems.push(`${id}: issuer and subject of ${fic.name} planned twice`);
        subjects.add(pair);
        if (fic.audiences.length !== 1) problems.push(`${id}: federated credential ${fic.name} must have exactly one audience`);
      }
      for (const assignment of identity.roleAssignments) {
        if (!GUID.test(assignment.name)) problems.push(`${id}: role assignment name ${JSON.stringify(assignment.name)} is not a GUID`);
      }
    }
    for (const definition of cluster.roleDefinitions) {
      if (!GUID.test(definition.name)) problems.push(`${at}: role definition name ${JSON.stringify(definition.name)} is not a GUID`);
    }
  }
  return problems;
}
