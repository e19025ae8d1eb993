import { CLIENT_ID_ANNOTATION } from "./pod-labels.js";
import type { ClusterIdentityPlan, IdentityOutputs } from "./plan-types.js";

/**
 * The annotation a ServiceAccount carries instead of `azure.workload.identity/client-id` while its
 * identity is *pending*: planned, but not created by bootstrap apply yet (no entry in the identity
 * outputs). Its value is the identity's key. No client ID is ever made up: the webhook injects no
 * `AZURE_CLIENT_ID` for such a ServiceAccount, so nothing can sign in as a wrong identity, and
 * `synth --check` and `validate` fail until the outputs exist.
 */
export const PENDING_IDENTITY_ANNOTATION = "flotilla.dev/pending-identity";

/**
 * The annotation a HelmRelease carries while identities its values bind ServiceAccounts to are
 * pending: their keys, comma-separated (the chart's ServiceAccounts are not objects of the tree,
 * so the release itself says so in review).
 */
export const PENDING_IDENTITIES_ANNOTATION = "flotilla.dev/pending-identities";

/** The annotation that binds a ServiceAccount to a managed identity, as `key: value`. */
export interface IdentityAnnotation {
  /** `azure.workload.identity/client-id`, or {@link PENDING_IDENTITY_ANNOTATION} while the identity is pending. */
  readonly key: string;
  /** The identity's client ID, or its key while it is pending. */
  readonly value: string;
}

/**
 * The annotation binding a ServiceAccount to identity `identityKey`: its client ID from `outputs`,
 * or the pending marker when the outputs have no entry for it.
 */
export function identityAnnotation(outputs: IdentityOutputs, identityKey: string): IdentityAnnotation {
  const output = outputs.identities[identityKey];
  return output === undefined ? { key: PENDING_IDENTITY_ANNOTATION, value: identityKey } : { key: CLIENT_ID_ANNOTATION, value: output.clientId };
}

/** The planned identities of a cluster that have no outputs yet, in plan order. */
export function pendingIdentities(plan: ClusterIdentityPlan, outputs: IdentityOutputs): string[] {
  return plan.identities.filter((identity) => outputs.identities[identity.key] === undefined).map((identity) => identity.key);
}
