import type { ClusterSpec } from "@flotilla/fleet";
import { type FluxController, fluxControllerIdentities } from "./flux-controller-identities.js";
import type { ClusterIdentityPlan, IdentityOutputs } from "./plan-types.js";

/** A Flux controller ServiceAccount synth patches (instead of rendering it) with its identity. */
export interface FluxControllerAccount {
  /** The controller: ServiceAccount and Deployment name in `flux-system`. */
  controller: FluxController;
  /** The identity's key in the plan. */
  identity: string;
  /** The identity's client ID, from the outputs; absent while the identity is pending (no outputs yet). */
  clientId?: string;
  /** The cluster's tenant. */
  tenantId: string;
}

/**
 * The Flux controllers of a cluster with their client IDs, from the same plan as the other
 * ServiceAccounts: what the `flux-system-patches` component annotates. Throws when an identity is
 * missing from the plan; one without outputs (pending, see `identityOutputsFor`) has no client ID.
 */
export function fluxControllerAccounts(spec: ClusterSpec, plan: ClusterIdentityPlan, outputs: IdentityOutputs): FluxControllerAccount[] {
  return fluxControllerIdentities(spec).map(({ controller, identity }) => {
    if (!plan.identities.some((planned) => planned.key === identity)) {
      throw new Error(`cluster ${plan.cluster}: the identity plan has no ${JSON.stringify(identity)} for Flux's ${controller}`);
    }
    const output = outputs.identities[identity];
    return { controller, identity, ...(output === undefined ? {} : { clientId: output.clientId }), tenantId: plan.tenantId };
  });
}
