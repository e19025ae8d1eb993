import type { ClusterSpec } from "@flotilla/fleet";
import { type FluxController, fluxControllerIdentities } from "./flux-controller-identities.js";
import type { ClusterIdentityPlan, IdentityOutputs } from "./plan-types.js";

/** A Flux controller ServiceAccount synth patches (instead of rendering it) with its identity. */
export interface FluxControllerAccount {
  /** The controller: ServiceAccount and Deployment name in `flux-system`. */
  controller: FluxController;
  /** The identity's key in the plan. */
  identity: string;
  /** The identity's client ID, from the outputs. */
  clientId: string;
  /** The cluster's tenant. */
  tenantId: string;
}

/**
 * The Flux controllers of a cluster with their client IDs, from the same plan as the other
 * ServiceAccounts: what the `flux-system-patches` component annotates. Throws when an identity is
 * missing from the plan or the outputs (check with `identityOutputsFor` first).
 */
export function fluxControllerAccounts(spec: ClusterSpec, plan: ClusterIdentityPlan, outputs: IdentityOutputs): FluxControllerAccount[] {
  return fluxControllerIdentities(spec).map(({ controller, identity }) => {
    if (!plan.identities.some((planned) => planned.key === identity)) {
      throw new Error(`cluster ${plan.cluster}: the identity plan has no ${JSON.stringify(identity)} for Flux's ${controller}`);
    }
    const output = outputs.identities[identity];
    if (output === undefined) {
      throw new Error(`cluster ${plan.cluster}: no identity outputs for ${JSON.stringify(identity)}; check them with identityOutputsFor first`);
    }
    return { controller, identity, clientId: output.clientId, tenantId: plan.tenantId };
  });
}
