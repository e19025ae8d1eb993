import type { ClusterSpec, PlatformRegistry } from "@flotilla/fleet";
import { fluxControllerIdentities } from "./flux-controller-identities.js";
import { KARPENTER_CONTROLLER_IDENTITY } from "./karpenter-identity.js";
import { platformIdentityRequirements } from "./platform-identities.js";

/**
 * By identity key, the setting of the cluster file that makes the plan hold the identity:
 * `identities[0]` for one the file declares, `platforms.flyte` for a platform's,
 * `sops.azureKeyVault` or `flux.registry` for Flux's controllers, `karpenter` for the self-hosted
 * controller. A problem with an identity names this setting, not a generated list.
 */
export function identitySettings(spec: ClusterSpec, platforms: PlatformRegistry): Map<string, string> {
  const settings = new Map<string, string>();
  spec.identities.forEach((identity, i) => settings.set(identity.name, `identities[${i}]`));
  for (const { identity, reason } of fluxControllerIdentities(spec)) settings.set(identity, reason);
  if (spec.karpenter?.mode === "self-hosted") settings.set(KARPENTER_CONTROLLER_IDENTITY, "karpenter");
  for (const requirement of platformIdentityRequirements(spec, platforms)) settings.set(requirement.key, `platforms.${requirement.platform}`);
  return settings;
}
