import type { KustomizationDecryption } from "@flotilla/flux";
import type { ClusterSpec } from "@flotilla/fleet";

/**
 * The Secret in `flux-system` holding the cluster's age private key(s) under a `*.agekey` key;
 * kustomize-controller imports it to decrypt (see the README's "Secrets" section).
 */
export const SOPS_AGE_SECRET = "sops-age";

/**
 * How Flux decrypts a cluster's SOPS files: with age recipients, from the `sops-age` Secret (Key
 * Vault stanzas, if any, are still unwrapped with the controller's workload identity); with an
 * Azure Key Vault key alone, with kustomize-controller's workload identity and no Secret.
 */
export function sopsDecryption(spec: ClusterSpec): KustomizationDecryption {
  const sops = spec.sops;
  if (sops === undefined) {
    throw new Error(`cluster ${spec.name} has encrypted secrets but no sops recipients; set sops: { age: [...] } or { azureKeyVault: {...} }`);
  }
  return sops.age.length > 0 ? { provider: "sops", secretRef: SOPS_AGE_SECRET } : { provider: "sops" };
}
