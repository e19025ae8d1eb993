/**
 * Helpers for the bootstrap tests: fleets with identities, their identity plan, a test ARM server
 * that knows the plan's subscriptions and resource groups, an ArmSession (the app's real SDK
 * clients) pointed at it, and normalised views of the server's state and request log.
 */
import { loadFleet } from "@flotilla/fleet";
import { type IdentityPlan, planIdentities } from "@flotilla/workload-identity";
import { ArmSession } from "../../apps/bootstrap/src/arm-session.js";
import type { RetryPolicy } from "../../apps/bootstrap/src/retry.js";
import { fakeCredential, loopbackOnlyPolicy, startArmServer, type ArmServer, type ArmServerOptions, type RecordedRequest } from "./arm-server/index.js";
import { validCluster } from "./fixture-fleet.js";
import { PLATFORMS } from "@flotilla/platforms";

export const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
export const SUBSCRIPTION = "0b1f6471-1bf0-4dda-aec3-cb9272f09590";
export const AUDIENCE = "api://AzureADTokenExchange";

/** Short retry waits for tests (still bounded in count and time). */
export const FAST_RETRY = {
  principalRetry: { maxAttempts: 30, maxElapsedMs: 15_000, baseDelayMs: 50, maxDelayMs: 300 } satisfies RetryPolicy,
  ficConflictRetry: { maxAttempts: 5, maxElapsedMs: 5_000, baseDelayMs: 50, maxDelayMs: 200 } satisfies RetryPolicy,
};

export interface IdentityInput {
  name: string;
  serviceAccounts?: Array<{ namespace: string; name: string }>;
  external?: Array<{ name: string; issuer: string; subject: string }>;
  roles?: Array<{ role: string | { custom: string }; scope: Record<string, unknown> }>;
}

/** A valid cluster (validCluster) with namespaces for every ServiceAccount, identities and custom roles. */
export function clusterWith(name: string, identities: IdentityInput[], customRoles: Array<Record<string, unknown>> = [], issuerId?: string) {
  const namespaces = [...new Set(identities.flatMap((i) => (i.serviceAccounts ?? []).map((sa) => sa.namespace)))].sort();
  return { ...validCluster(name, issuerId), namespaces: namespaces.map((n) => ({ name: n })), identities, customRoles };
}

/** `count` ServiceAccounts `sa-<i>` in namespace `ns`. */
export function serviceAccounts(namespace: string, count: number, prefix = "sa"): Array<{ namespace: string; name: string }> {
  return Array.from({ length: count }, (_, i) => ({ namespace, name: `${prefix}-${i + 1}` }));
}

/** loadFleet + planIdentities on plain cluster objects; throws on any problem. */
export function planOf(...clusters: Array<Record<string, unknown> & { name: string }>): IdentityPlan {
  const fleet = loadFleet(clusters.map((exported) => ({ file: `clusters/${exported.name}.ts`, exported })), PLATFORMS);
  if (!fleet.ok) throw new Error(`fixture fleet invalid:\n${fleet.problems.map((p) => `${p.file}: ${p.path}: ${p.message}`).join("\n")}`);
  const { plan, problems } = planIdentities(fleet.clusters.map((c) => c.spec), PLATFORMS);
  if (problems.length > 0) throw new Error(`fixture plan invalid:\n${problems.map((p) => `${p.cluster}: ${p.path}: ${p.message}`).join("\n")}`);
  return plan;
}

/** A test ARM server whose tenant, subscriptions and resource groups are the plan's. */
export async function startServerFor(plan: IdentityPlan, options: ArmServerOptions = {}): Promise<ArmServer> {
  const groups = new Map<string, { name: string; subscriptionId: string }>();
  const add = (subscriptionId: string, name: string) => groups.set(`${subscriptionId}/${name}`.toLowerCase(), { name, subscriptionId });
  const subscriptions = new Set<string>();
  for (const cluster of plan.clusters) {
    subscriptions.add(cluster.subscriptionId);
    for (const identity of cluster.identities) {
      add(cluster.subscriptionId, identity.resourceGroup);
      for (const a of identity.roleAssignments) {
        const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)/i.exec(a.scope);
        if (m) add(m[1]!, m[2]!);
      }
    }
    for (const d of cluster.roleDefinitions) {
      const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)/i.exec(d.scope);
      if (m) add(m[1]!, m[2]!);
    }
  }
  const [first, ...rest] = [...subscriptions];
  return startArmServer({
    tenantId: TENANT,
    subscriptionId: first ?? SUBSCRIPTION,
    extraSubscriptionIds: rest,
    resourceGroups: [...groups.values()],
    ...options,
  });
}

/** The app's ArmSession (real SDK clients) on the test server: fake credential, its CA, short retries, loopback guard. */
export function sessionFor(server: ArmServer, sdkRetry: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number } = {}): ArmSession {
  return new ArmSession({
    credential: fakeCredential(),
    endpoint: server.url,
    caCertPem: server.caCertPem,
    sdkRetry: { maxRetries: 4, retryDelayInMs: 20, maxRetryDelayInMs: 200, ...sdkRetry },
    requestTimeoutMs: 10_000,
    additionalPolicies: [loopbackOnlyPolicy()],
  });
}

/**
 * The server's state without its random GUIDs: identities with their tags and credentials, role
 * assignments with the principal replaced by the identity's name, custom role definitions.
 * Two servers that went through the same changes compare equal.
 */
export function normalisedState(server: ArmServer) {
  const identities = server.state.listIdentities();
  const byPrincipal = new Map(identities.map((i) => [i.principalId.toLowerCase(), i.name]));
  return {
    identities: identities
      .map((i) => ({
        id: `${i.subscriptionId}/${i.resourceGroup}/${i.name}`.toLowerCase(),
        location: i.location,
        tags: i.tags,
        fics: [...i.fics.values()].map((f) => ({ ...f })).sort((a, b) => a.name.localeCompare(b.name)),
      }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    roleAssignments: server.state
      .listRoleAssignments()
      .map((a) => ({
        name: a.name,
        scope: a.scope.toLowerCase(),
        role: a.roleDefinitionId.split("/").pop()!.toLowerCase(),
        principal: byPrincipal.get(a.principalId.toLowerCase()) ?? a.principalId,
        principalType: a.principalType,
        description: a.description,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    roleDefinitions: [...server.state.roleDefinitions.values()]
      .filter((d) => d.roleType === "CustomRole")
      .map((d) => ({ name: d.name, roleName: d.roleName, description: d.description, permissions: d.permissions, assignableScopes: d.assignableScopes }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

export const isWrite = (r: RecordedRequest) => r.method === "PUT" || r.method === "DELETE" || r.method === "PATCH" || r.method === "POST";

/** The identity name a request path is about (…/userAssignedIdentities/<name>[/…]), if any. */
export function identityOfPath(path: string): string | undefined {
  return /\/userAssignedIdentities\/([^/]+)/i.exec(path)?.[1]?.toLowerCase();
}

/** [start, end] of a request on the server (arrival to answer). */
export const interval = (r: RecordedRequest): [number, number] => [r.timestamp, r.timestamp + r.durationMs];

export const overlaps = (a: [number, number], b: [number, number]) => a[0] < b[1] && b[0] < a[1];
