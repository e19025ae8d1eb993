import { builtInRole, type ClusterSpec, DEFAULT_FEDERATION_AUDIENCE, NO_PLATFORMS, type PlatformRegistry, renderedNamespaces } from "@flotilla/fleet";
import { identityResourceId, isSameOrInsideScope, roleDefinitionId, scopeId } from "./arm-ids.js";
import {
  customRoleAzureName,
  externalCredentialName,
  identityAzureName,
  MAX_FEDERATED_CREDENTIALS_PER_IDENTITY,
  roleDefinitionDescription,
  serviceAccountCredentialName,
  serviceAccountSubject,
} from "./naming.js";
import type {
  ClusterIdentityPlan,
  IdentityPlan,
  PlannedFederatedCredential,
  PlannedIdentity,
  PlannedRoleAssignment,
  PlannedRoleDefinition,
} from "./plan-types.js";
import { KARPENTER_CONTROLLER_IDENTITY, karpenterControllerIdentity } from "./karpenter-identity.js";
import { planFluxControllerIdentities } from "./flux-controller-identities.js";
import { platformIdentities } from "./platform-identities.js";
import { identityTags, plannedRoleAssignment } from "./planned-objects.js";
import { FLOTILLA_GUID_NAMESPACE, uuidV5 } from "./uuid.js";

/** A reason the plan must not be applied or rendered. */
export interface IdentityPlanProblem {
  /** The cluster's name. */
  cluster: string;
  /** Where in the cluster's spec, like `identities[0].workspaces.namespaces[3]`. */
  path: string;
  /** What is wrong and how to fix it, on one line. */
  message: string;
}

/** The plan of a fleet and every problem found while deriving it. */
export interface IdentityPlanResult {
  /** Clusters sorted by name. Only meaningful when `problems` is empty. */
  plan: IdentityPlan;
  /** Sorted by cluster, then path. Empty when the plan can be applied and rendered. */
  problems: IdentityPlanProblem[];
}

/** The plan of one cluster and its problems. */
export interface ClusterIdentityPlanResult {
  /** Identities sorted by key, role definitions by role name. Only meaningful without problems. */
  plan: ClusterIdentityPlan;
  /** Sorted by path. */
  problems: IdentityPlanProblem[];
}

/**
 * The audience of cluster ServiceAccount tokens exchanged for Entra tokens (Azure Workload
 * Identity's default).
 */
export const AZURE_AD_TOKEN_EXCHANGE_AUDIENCE: "api://AzureADTokenExchange" = DEFAULT_FEDERATION_AUDIENCE;

/**
 * Derives every Azure object flotilla manages for workload identity from the fleet: managed
 * identities, their federated credentials and role assignments, and custom role definitions.
 * Pure and deterministic (sorted output; names derived from the inputs only). Checks what the
 * schema cannot see one field at a time: at most 20 credentials per identity, no issuer and
 * subject federated twice in a cluster, unique credential names, ServiceAccounts only in
 * namespaces synth renders, custom roles assigned inside their assignable scope.
 */
export function planIdentities(clusters: readonly ClusterSpec[], platforms: PlatformRegistry = NO_PLATFORMS): IdentityPlanResult {
  const results = [...clusters].sort((a, b) => compareText(a.name, b.name)).map((spec) => planClusterIdentities(spec, platforms));
  return {
    plan: { clusters: results.map((result) => result.plan) },
    problems: results.flatMap((result) => result.problems),
  };
}

/** One credential with where it came from in the spec (for messages). */
interface SourcedCredential {
  credential: PlannedFederatedCredential;
  path: string;
  identity: string;
  /** How the credential is named in messages: `ServiceAccount ns/name` or `external federation "x"`. */
  label: string;
}

/**
 * {@link planIdentities} for one cluster; `platforms` is the registry the spec was loaded with
 * (the plan includes each enabled platform's identities; an unregistered one throws).
 */
export function planClusterIdentities(spec: ClusterSpec, platforms: PlatformRegistry = NO_PLATFORMS): ClusterIdentityPlanResult {
  const cluster = spec.name;
  const { subscriptionId, tenantId, oidcIssuerUrl, location } = spec.azure;
  const problems: IdentityPlanProblem[] = [];
  const report = (path: string, message: string) => problems.push({ cluster, path, message });
  const rendered = new Set(renderedNamespaces(spec));

  const definitions = new Map<string, PlannedRoleDefinition>();
  for (const role of spec.customRoles) {
    const scope = scopeId(subscriptionId, role.scope);
    const roleName = customRoleAzureName(cluster, role.name);
    const name = uuidV5(FLOTILLA_GUID_NAMESPACE, `roleDefinition\n${scope}\n${roleName}`.toLowerCase());
    definitions.set(role.name, {
      name,
      roleName,
      description: roleDefinitionDescription(cluster, role.name, role.description),
      scope,
      actions: [...role.actions],
      notActions: [...role.notActions],
      dataActions: [...role.dataActions],
      notDataActions: [...role.notDataActions],
      id: roleDefinitionId(subscriptionId, name),
    });
  }

  const sourced: SourcedCredential[] = [];
  const identities: PlannedIdentity[] = spec.identities.map((identity, i) => {
    const at = `identities[${i}]`;
    const name = identityAzureName(cluster, identity.name);
    const resourceId = identityResourceId(subscriptionId, identity.resourceGroup, name);
    const credentials: SourcedCredential[] = [];

    const addServiceAccount = (namespace: string, account: string, path: string, namespacePath: string) => {
      if (!rendered.has(namespace)) {
        report(
          namespacePath,
          `ServiceAccount ${namespace}/${account} would be in namespace ${JSON.stringify(namespace)}, which this cluster does not render; add { name: ${JSON.stringify(namespace)} } to namespaces or remove the ServiceAccount`,
        );
      }
      credentials.push({
        credential: {
          name: serviceAccountCredentialName(namespace, account),
          issuer: oidcIssuerUrl,
          subject: serviceAccountSubject(namespace, account),
          audiences: [AZURE_AD_TOKEN_EXCHANGE_AUDIENCE],
          serviceAccount: { namespace, name: account },
        },
        path,
        identity: identity.name,
        label: `ServiceAccount ${namespace}/${account}`,
      });
    };
    identity.serviceAccounts.forEach((account, j) => {
      const path = `${at}.serviceAccounts[${j}]`;
      addServiceAccount(account.namespace, account.name, path, `${path}.namespace`);
    });
    identity.workspaces?.namespaces.forEach((namespace, j) => {
      const path = `${at}.workspaces.namespaces[${j}]`;
      addServiceAccount(namespace, identity.workspaces!.serviceAccount, path, path);
    });
    identity.external.forEach((external, j) => {
      const path = `${at}.external[${j}]`;
      if (sameIssuer(external.issuer, oidcIssuerUrl)) {
        report(
          `${path}.issuer`,
          `external federation ${JSON.stringify(external.name)} uses this cluster's own OIDC issuer; list the ServiceAccount in serviceAccounts or workspaces instead, so synth renders it with the identity's client ID`,
        );
      }
      credentials.push({
        credential: {
          name: externalCredentialName(external.name),
          issuer: external.issuer,
          subject: external.subject,
          audiences: [external.audience],
        },
        path,
        identity: identity.name,
        label: `external federation ${JSON.stringify(external.name)}`,
      });
    });

    checkCredentials(identity.name, at, credentials, report);
    sourced.push(...credentials);

    const assignments: { assignment: PlannedRoleAssignment; path: string }[] = [];
    identity.roles.forEach((role, j) => {
      const path = `${at}.roles[${j}]`;
      const scope = scopeId(subscriptionId, role.scope);
      let definitionId: string;
      let roleName: string;
      if (typeof role.role === "string") {
        const builtIn = builtInRole(role.role);
        if (builtIn === undefined) {
          report(`${path}.role`, `unknown built-in role ${JSON.stringify(role.role)}; define it in customRoles and write role: { custom: "<name>" }`);
          return;
        }
        definitionId = roleDefinitionId(subscriptionId, builtIn.id);
        roleName = builtIn.name;
      } else {
        const definition = definitions.get(role.role.custom);
        if (definition === undefined) {
          report(`${path}.role.custom`, `custom role ${JSON.stringify(role.role.custom)} is not defined in customRoles`);
          return;
        }
        if (!isSameOrInsideScope(scope, definition.scope)) {
          report(
            `${path}.scope`,
            `custom role ${JSON.stringify(role.role.custom)} is defined at ${definition.scope} and can only be assigned there or below; this scope is ${scope}: change the scope, or the custom role's scope`,
          );
          return;
        }
        definitionId = definition.id;
        roleName = definition.roleName;
      }
      const assignment = plannedRoleAssignment({
        cluster,
        identityKey: identity.name,
        identityResourceId: resourceId,
        roleDefinitionId: definitionId,
        roleName,
        scope,
      });
      const earlier = assignments.find((other) => other.assignment.name === assignment.name);
      if (earlier !== undefined) {
        report(path, `role ${JSON.stringify(roleName)} on ${scope} is already granted at ${earlier.path}; remove one`);
        return;
      }
      assignments.push({ path, assignment });
    });

    return {
      key: identity.name,
      name,
      resourceGroup: identity.resourceGroup,
      location,
      tags: identityTags(cluster, identity.name),
      resourceId,
      federatedCredentials: credentials.map((entry) => entry.credential).sort((a, b) => compareText(a.name, b.name)),
      roleAssignments: assignments
        .map((entry) => entry.assignment)
        .sort((a, b) => compareText(a.scope, b.scope) || compareText(a.roleName, b.roleName) || compareText(a.name, b.name)),
    };
  });

  // Flux's controllers: kustomize-controller decrypts Key Vault-encrypted secrets, source- and
  // image-reflector-controller pull from ACR, each with its own identity.
  for (const { identity: controllerIdentity, reason } of planFluxControllerIdentities(spec)) {
    const clash = spec.identities.findIndex((identity) => identity.name === controllerIdentity.key);
    if (clash !== -1) {
      report(`identities[${clash}].name`, `identity name ${JSON.stringify(controllerIdentity.key)} is reserved for Flux's ${controllerIdentity.key.slice("flux-".length)} (${reason}); rename this identity`);
    }
    identities.push(controllerIdentity);
    for (const credential of controllerIdentity.federatedCredentials) {
      sourced.push({ credential, path: reason, identity: controllerIdentity.key, label: `ServiceAccount flux-system/${controllerIdentity.key.slice("flux-".length)}` });
    }
  }

  // A self-hosted Karpenter controller creates VMs with its own identity.
  const karpenterIdentity = karpenterControllerIdentity(spec);
  if (karpenterIdentity !== undefined) {
    const clash = spec.identities.findIndex((identity) => identity.name === KARPENTER_CONTROLLER_IDENTITY);
    if (clash !== -1) {
      report(`identities[${clash}].name`, `identity name ${JSON.stringify(KARPENTER_CONTROLLER_IDENTITY)} is reserved for the self-hosted Karpenter controller (karpenter.mode: "self-hosted"); rename this identity`);
    }
    identities.push(karpenterIdentity);
    for (const credential of karpenterIdentity.federatedCredentials) {
      sourced.push({ credential, path: "karpenter", identity: KARPENTER_CONTROLLER_IDENTITY, label: `ServiceAccount ${credential.serviceAccount?.namespace}/${credential.serviceAccount?.name}` });
    }
  }

  // Platforms (platforms.*) federate the ServiceAccounts their charts create.
  for (const { requirement, identity, problems: platformProblems } of platformIdentities(spec, platforms)) {
    const clash = spec.identities.findIndex((entry) => entry.name === identity.key);
    if (clash !== -1) {
      report(`identities[${clash}].name`, `identity name ${JSON.stringify(identity.key)} is reserved for ${requirement.purpose} (platforms.${requirement.platform}); rename this identity`);
    }
    for (const problem of platformProblems) report(problem.path, problem.message);
    identities.push(identity);
    for (const credential of identity.federatedCredentials) {
      const account = credential.platformServiceAccount;
      sourced.push({ credential, path: `platforms.${requirement.platform}`, identity: identity.key, label: `ServiceAccount ${account?.namespace}/${account?.name}` });
    }
  }

  checkAcrossIdentities(sourced, report);

  return {
    plan: {
      cluster,
      tenantId,
      subscriptionId,
      oidcIssuerUrl,
      roleDefinitions: [...definitions.values()].sort((a, b) => compareText(a.roleName, b.roleName)),
      identities: identities.sort((a, b) => compareText(a.key, b.key)),
    },
    problems: problems.sort((a, b) => compareNatural(a.path, b.path) || compareText(a.message, b.message)),
  };
}

/** Per identity: at least one and at most 20 credentials, no issuer and subject twice, unique names. */
function checkCredentials(
  identity: string,
  at: string,
  credentials: readonly SourcedCredential[],
  report: (path: string, message: string) => void,
): void {
  if (credentials.length === 0) {
    report(
      at,
      `identity ${JSON.stringify(identity)} has no federated credentials, so no workload can use it; add serviceAccounts, workspaces or external, or remove the identity`,
    );
  }
  if (credentials.length > MAX_FEDERATED_CREDENTIALS_PER_IDENTITY) {
    const count = (prefix: string) => credentials.filter((entry) => entry.path.startsWith(`${at}.${prefix}`)).length;
    const parts = [
      [count("serviceAccounts"), "serviceAccounts"],
      [count("workspaces"), "workspace namespaces"],
      [count("external"), "external"],
    ]
      .filter(([n]) => Number(n) > 0)
      .map(([n, what]) => `${n} ${what}`)
      .join(", ");
    report(
      at,
      `identity ${JSON.stringify(identity)} has ${credentials.length} federated credentials (${parts}); Azure allows at most ${MAX_FEDERATED_CREDENTIALS_PER_IDENTITY} per managed identity: move some of them (e.g. workspace namespaces) to a second identity such as ${JSON.stringify(`${identity}-2`)}`,
    );
  }
  const bySubject = new Map<string, SourcedCredential>();
  const byName = new Map<string, SourcedCredential>();
  for (const entry of credentials) {
    const key = `${entry.credential.issuer}\n${entry.credential.subject}`;
    const sameSubject = bySubject.get(key);
    if (sameSubject !== undefined) {
      report(entry.path, `${entry.label} is already federated by identity ${JSON.stringify(identity)} at ${sameSubject.path} (same issuer and subject); remove one`);
      continue;
    }
    bySubject.set(key, entry);
    const sameName = byName.get(entry.credential.name);
    if (sameName !== undefined) {
      report(
        entry.path,
        `${entry.label} gets the federated credential name ${JSON.stringify(entry.credential.name)}, already used by ${sameName.label} (${sameName.path}); names must be unique within the identity: rename one of them`,
      );
      continue;
    }
    byName.set(entry.credential.name, entry);
  }
}

/** Across the identities of a cluster: an issuer and subject may be federated by one identity only. */
function checkAcrossIdentities(credentials: readonly SourcedCredential[], report: (path: string, message: string) => void): void {
  const first = new Map<string, SourcedCredential>();
  for (const entry of credentials) {
    const key = `${entry.credential.issuer}\n${entry.credential.subject}`;
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, entry);
      continue;
    }
    if (earlier.identity === entry.identity) continue;
    const why = entry.credential.serviceAccount
      ? "a ServiceAccount carries one client-id annotation, so only one identity can federate it"
      : "its tokens would be accepted by two identities";
    report(
      entry.path,
      `${entry.label} is also federated by identity ${JSON.stringify(earlier.identity)} (${earlier.path}); ${why}: remove it from one of them`,
    );
  }
}

/** Issuers compared as Azure would see a near miss: case-insensitive, trailing '/' ignored. */
function sameIssuer(a: string, b: string): boolean {
  const key = (value: string) => value.toLowerCase().replace(/\/+$/, "");
  return key(a) === key(b);
}

/** Code-unit order, independent of locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Text order with digit runs compared as numbers, so `[2]` sorts before `[10]`. */
function compareNatural(a: string, b: string): number {
  const left = a.split(/(\d+)/);
  const right = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i] ?? "";
    const y = right[i] ?? "";
    if (x === y) continue;
    return i % 2 === 1 ? Number(x) - Number(y) || compareText(x, y) : compareText(x, y);
  }
  return left.length - right.length;
}
