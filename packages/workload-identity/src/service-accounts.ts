import type { ClusterIdentityPlan, IdentityOutputs } from "./plan-types.js";

/** A ServiceAccount synth renders for a planned federated credential. */
export interface PlannedServiceAccount {
  /** The identity's key. */
  identity: string;
  /** Namespace of the ServiceAccount. */
  namespace: string;
  /** ServiceAccount name. */
  name: string;
  /** The identity's client ID, from the outputs; absent while the identity is pending (no outputs yet). */
  clientId?: string;
  /** The cluster's tenant. */
  tenantId: string;
  /** The federated credential it matches (its name in Azure). */
  credential: string;
}

/**
 * Every ServiceAccount a cluster renders: one per federated credential of the plan that has a
 * `serviceAccount`, with the client ID of its identity from `outputs` (none for a pending identity,
 * one `outputs` has no entry for: check the outputs with `identityOutputsFor` first). Sorted by
 * namespace, then name.
 */
export function plannedServiceAccounts(plan: ClusterIdentityPlan, outputs: IdentityOutputs): PlannedServiceAccount[] {
  const accounts: PlannedServiceAccount[] = [];
  for (const identity of plan.identities) {
    for (const credential of identity.federatedCredentials) {
      if (credential.serviceAccount === undefined) continue;
      const output = outputs.identities[identity.key];
      accounts.push({
        identity: identity.key,
        namespace: credential.serviceAccount.namespace,
        name: credential.serviceAccount.name,
        ...(output === undefined ? {} : { clientId: output.clientId }),
        tenantId: plan.tenantId,
        credential: credential.name,
      });
    }
  }
  const key = (account: PlannedServiceAccount) => `${account.namespace}\n${account.name}`;
  return accounts.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
