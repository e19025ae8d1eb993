import type { ClusterSpec } from "@flotilla/fleet";
import { fluxControllerIdentityKey, planFluxControllerIdentities } from "./flux-controller-identities.js";
import type { PlannedIdentity } from "./plan-types.js";

/**
 * The identity key of Flux's kustomize-controller when a cluster's secrets are encrypted with an
 * Azure Key Vault key (`sops.azureKeyVault`): it decrypts them in the cluster with this identity.
 */
export const KUSTOMIZE_CONTROLLER_IDENTITY = fluxControllerIdentityKey("kustomize-controller");

/** The ServiceAccount Flux's kustomize-controller runs as (created by Flux, not by synth). */
export const KUSTOMIZE_CONTROLLER_SERVICE_ACCOUNT = { namespace: "flux-system", name: "kustomize-controller" } as const;

/**
 * The managed identity kustomize-controller decrypts SOPS files with ("Key Vault Crypto User" on
 * the one key); `undefined` without `sops.azureKeyVault`. See `planFluxControllerIdentities`.
 */
export function kustomizeControllerIdentity(spec: ClusterSpec): PlannedIdentity | undefined {
  return planFluxControllerIdentities(spec).find(({ identity }) => identity.key === KUSTOMIZE_CONTROLLER_IDENTITY)?.identity;
}
