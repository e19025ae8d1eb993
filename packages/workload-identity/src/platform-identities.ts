import { builtInRole, type ClusterSpec, type PlatformIdentityRequirement, type PlatformRegistry, platformSection } from "@flotilla/fleet";
import { identityResourceId, roleDefinitionId, scopeId } from "./arm-ids.js";
import {
  identityAzureName,
  MAX_FEDERATED_CREDENTIALS_PER_IDENTITY,
  serviceAccountCredentialName,
  serviceAccountSubject,
} from "./naming.js";
import type { PlannedIdentity } from "./plan-types.js";
import { identityTags, plannedRoleAssignment } from "./planned-objects.js";

const AUDIENCE = "api://AzureADTokenExchange";

/**
 * The identity requirements of every platform the cluster runs (`platforms.*`), in registry
 * order, pure. A section of a platform that is not registered is a programming error: its
 * identities would silently be missing from the plan.
 */
export function platformIdentityRequirements(spec: ClusterSpec, platforms: PlatformRegistry): PlatformIdentityRequirement[] {
  const known = new Set(platforms.map((platform) => platform.key));
  for (const key of Object.keys(spec.platforms)) {
    if (platformSection(spec, key) !== undefined && !known.has(key)) {
      throw new Error(`cluster ${spec.name}: platforms.${key} is not a registered platform (registered: ${[...known].join(", ") || "none"}); pass the registry to the identity plan`);
    }
  }
  return platforms.flatMap((platform) => {
    const section = platformSection(spec, platform.key);
    return section === undefined ? [] : platform.identities(section, spec);
  });
}

/** A platform's planned identity and the problems found while planning it (paths under `platforms.<platform>`). */
export interface PlannedPlatformIdentity {
  requirement: PlatformIdentityRequirement;
  identity: PlannedIdentity;
  problems: { path: string; message: string }[];
}

/**
 * The managed identities the cluster's platforms need: one federated credential per
 * ServiceAccount the platform's chart creates (recorded as `platformServiceAccount`, annotated by
 * the HelmRelease values, not rendered by synth) and role assignments with deterministic names.
 * More than 20 ServiceAccounts on one identity (Azure's limit) is a problem naming the spec field.
 */
export function platformIdentities(spec: ClusterSpec, platforms: PlatformRegistry): PlannedPlatformIdentity[] {
  const { subscriptionId, oidcIssuerUrl, location, resourceGroup } = spec.azure;
  return platformIdentityRequirements(spec, platforms).map((requirement) => {
    const { key } = requirement;
    const name = identityAzureName(spec.name, key);
    const resourceId = identityResourceId(subscriptionId, resourceGroup, name);
    const problems: { path: string; message: string }[] = [];
    const rendered = requirement.renderedServiceAccounts ?? [];
    const count = requirement.serviceAccounts.length + rendered.length;
    if (count > MAX_FEDERATED_CREDENTIALS_PER_IDENTITY) {
      problems.push({
        path: `platforms.${requirement.platform}.${requirement.serviceAccountsField}`,
        message: `identity ${JSON.stringify(key)} (${requirement.purpose}) would need ${count} federated credentials, one per ServiceAccount; Azure allows at most ${MAX_FEDERATED_CREDENTIALS_PER_IDENTITY} per managed identity: reduce ${requirement.serviceAccountsField}`,
      });
    }
    // Two entries of the setting that give one ServiceAccount (a repeated workflow namespace, or
    // Flyte projects and domains joining to the same task namespace) would be one credential twice.
    const seen = new Set<string>();
    for (const { namespace, name: account } of [...requirement.serviceAccounts, ...rendered]) {
      const at = `${namespace}/${account}`;
      if (seen.has(at)) {
        problems.push({
          path: `platforms.${requirement.platform}.${requirement.serviceAccountsField}`,
          message: `identity ${JSON.stringify(key)} (${requirement.purpose}) would federate ServiceAccount ${at} twice: two entries of ${requirement.serviceAccountsField} give the same ServiceAccount; list each once`,
        });
      }
      seen.add(at);
    }
    const roleAssignments = requirement.roles.map(({ role: roleName, scope: roleScope }) => {
      const role = builtInRole(roleName);
      if (role === undefined) throw new Error(`built-in role ${roleName} is missing from BUILT_IN_ROLES`);
      return plannedRoleAssignment({
        cluster: spec.name,
        identityKey: key,
        identityResourceId: resourceId,
        roleDefinitionId: roleDefinitionId(subscriptionId, role.id),
        roleName: role.name,
        scope: scopeId(subscriptionId, roleScope),
      });
    });
    const identity: PlannedIdentity = {
      key,
      name,
      resourceGroup,
      location,
      tags: identityTags(spec.name, key),
      resourceId,
      federatedCredentials: [
        ...requirement.serviceAccounts.map(({ namespace, name: account }) => ({
          name: serviceAccountCredentialName(namespace, account),
          issuer: oidcIssuerUrl,
          subject: serviceAccountSubject(namespace, account),
          audiences: [AUDIENCE] as [string],
          platformServiceAccount: { platform: requirement.platform, namespace, name: account },
        })),
        // ServiceAccounts synth renders itself (WorkloadServiceAccount), like a spec identity's.
        ...rendered.map(({ namespace, name: account }) => ({
          name: serviceAccountCredentialName(namespace, account),
          issuer: oidcIssuerUrl,
          subject: serviceAccountSubject(namespace, account),
          audiences: [AUDIENCE] as [string],
          serviceAccount: { namespace, name: account },
        })),
      ].sort((a, b) => compare(a.name, b.name)),
      roleAssignments: roleAssignments.sort((a, b) => compare(a.scope, b.scope) || compare(a.roleName, b.roleName) || compare(a.name, b.name)),
    };
    return { requirement, identity, problems };
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
