import type { ClusterIdentityPlan, IdentityOutputs } from "./plan-types.js";

/** A ServiceAccount synth renders for a planned federated credential. */
export interface PlannedServiceAccount {
  /** The identity's key. */
  identity: string;
  /** Namespace of the ServiceAccount. */
  namespace: string;
  /** ServiceAccount name. */
  name: string;
  /** The identity's client ID, from the outputs. */
  clientId: string;
  /** The cluster's tenant. */
  tenantId: string;
  /** The federated credential it matches (its name in Azure). */
  credential: string;
}

/**
 * Every ServiceAccount a cluster renders: one per federated credential of the plan that has a
 * `serviceAccount`, with the client ID of its identity from `outputs`. Sorted by namespace, then
 * name. Throws when an identity has no outputs: check with `identityOutputsFor` first.
 */
export function plannedServiceAccounts(plan: ClusterIdentityPlan, outputs: IdentityOutputs): PlannedServiceAccount[] {
  const accounts: PlannedServiceAccount[] = [];
  for (const identity of plan.identities) {
    for (const credential of identity.federatedCredentials) {
      if (credential.serviceAccount === undefined) continue;
      const output = outputs.identities[identity.key];
      if (output === undefined) {
        throw new Error(`cluster ${plan.cluster}: no identity outputs for ${JSON.stringify(identity.key)}; check them with identityOutputsFor first`);
      }
      accounts.push({
        identity: identity.key,
        namespace: credential.serviceAccount.namespace,
        name: credential.serviceAccount.name,
        clientId: output.clientId,
        tenantId: plan.tenantId,
        credential: credential.name,
      });
    }
  }
  const key = (account: PlannedServiceAccount) => `${account.namespace}\n${account.name}`;
  return accounts.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
