/**
 * Reads what exists in Azure for one cluster's identity plan: each planned role definition (GET),
 * each planned identity (GET), and for an existing identity its federated credentials (list) and
 * the role assignments of its principal (list per subscription, filtered by principalId).
 * Reads are independent and run with bounded parallelism. A failed read becomes an `error`
 * observation: that resource and everything depending on it is not touched.
 */
import type { Permission } from "@azure/arm-authorization";
import type { ClusterIdentityPlan, PlannedIdentity, PlannedRoleDefinition } from "@flotilla/workload-identity";
import { describeError, errorCode, isNotFound, transportCode } from "./arm-errors.js";
import { sdkScope, subscriptionOfScope } from "./arm-scope.js";
import type { ArmSession } from "./arm-session.js";
import { forEachBounded } from "./concurrency.js";

export type Observation<T> =
  | { state: "found"; value: T }
  | { state: "absent"; note?: string }
  | { state: "error"; message: string; /** No answer at all (the transport code): the network, not ARM. */ unreachable?: string | undefined };

export interface ObservedFic {
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
}

export interface ObservedRoleAssignment {
  name: string;
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  principalType: string | undefined;
  description: string | undefined;
}

export interface ObservedIdentity {
  location: string;
  tags: Record<string, string>;
  tenantId: string | undefined;
  principalId: string;
  clientId: string;
  isolationScope: string | undefined;
  fics: ObservedFic[];
  /** Every assignment of the identity's principal in the subscriptions the plan touches. */
  roleAssignments: ObservedRoleAssignment[];
}

export interface ObservedRoleDefinition {
  roleName: string;
  description: string;
  roleType: string | undefined;
  permissions: Permission[];
  assignableScopes: string[];
}

export interface ObservedCluster {
  /** By role definition GUID. */
  roleDefinitions: Map<string, Observation<ObservedRoleDefinition>>;
  /** By identity key. */
  identities: Map<string, Observation<ObservedIdentity>>;
}

export interface ObserveOptions {
  /** Reads in flight at once. Default 8. */
  concurrency?: number | undefined;
  abortSignal?: AbortSignal | undefined;
}

export async function observeCluster(plan: ClusterIdentityPlan, session: ArmSession, options: ObserveOptions = {}): Promise<ObservedCluster> {
  const observed: ObservedCluster = { roleDefinitions: new Map(), identities: new Map() };
  const tasks: Array<() => Promise<void>> = [
    ...plan.roleDefinitions.map((definition) => async () => {
      observed.roleDefinitions.set(definition.name, await observeRoleDefinition(plan, definition, session, options.abortSignal));
    }),
    ...plan.identities.map((identity) => async () => {
      observed.identities.set(identity.key, await observeIdentity(plan, identity, session, options.abortSignal));
    }),
  ];
  await forEachBounded(tasks, options.concurrency ?? 8, (task) => task());
  return observed;
}

async function observeRoleDefinition(
  plan: ClusterIdentityPlan,
  definition: PlannedRoleDefinition,
  session: ArmSession,
  abortSignal: AbortSignal | undefined,
): Promise<Observation<ObservedRoleDefinition>> {
  const { authorization } = session.forSubscription(subscriptionOfScope(definition.scope) ?? plan.subscriptionId);
  try {
    const found = await authorization.roleDefinitions.get(sdkScope(definition.scope), definition.name, { abortSignal });
    return {
      state: "found",
      value: {
        roleName: found.roleName ?? "",
        description: found.description ?? "",
        roleType: found.roleType,
        permissions: found.permissions ?? [],
        assignableScopes: found.assignableScopes ?? [],
      },
    };
  } catch (error) {
    if (isNotFound(error)) return { state: "absent" };
    return { state: "error", message: describeError(error), unreachable: transportCode(error) };
  }
}

async function observeIdentity(
  plan: ClusterIdentityPlan,
  identity: PlannedIdentity,
  session: ArmSession,
  abortSignal: AbortSignal | undefined,
): Promise<Observation<ObservedIdentity>> {
  const { msi } = session.forSubscription(plan.subscriptionId);
  let found;
  try {
    found = await msi.userAssignedIdentities.get(identity.resourceGroup, identity.name, { abortSignal });
  } catch (error) {
    if (!isNotFound(error)) return { state: "error", message: describeError(error), unreachable: transportCode(error) };
    if (errorCode(error) === "ResourceGroupNotFound") return { state: "absent", note: `resource group ${identity.resourceGroup} does not exist` };
    return { state: "absent" };
  }
  if (!found.principalId || !found.clientId) {
    return { state: "error", message: `ARM returned identity ${identity.name} without principalId/clientId` };
  }
  try {
    const fics: ObservedFic[] = [];
    for await (const fic of msi.federatedIdentityCredentials.list(identity.resourceGroup, identity.name, { abortSignal })) {
      fics.push({ name: fic.name ?? "", issuer: fic.issuer ?? "", subject: fic.subject ?? "", audiences: fic.audiences ?? [] });
    }
    const roleAssignments = await listAssignmentsOf(plan, identity, found.principalId, session, abortSignal);
    return {
      state: "found",
      value: {
        location: found.location,
        tags: { ...found.tags },
        tenantId: found.tenantId,
        principalId: found.principalId,
        clientId: found.clientId,
        isolationScope: found.isolationScope,
        fics,
        roleAssignments,
      },
    };
  } catch (error) {
    return { state: "error", message: describeError(error), unreachable: transportCode(error) };
  }
}

/** The principal's assignments in the cluster's subscription and every subscription a planned scope lies in. */
async function listAssignmentsOf(
  plan: ClusterIdentityPlan,
  identity: PlannedIdentity,
  principalId: string,
  session: ArmSession,
  abortSignal: AbortSignal | undefined,
): Promise<ObservedRoleAssignment[]> {
  const subscriptions = new Map<string, string>([[plan.subscriptionId.toLowerCase(), plan.subscriptionId]]);
  for (const assignment of identity.roleAssignments) {
    const sub = subscriptionOfScope(assignment.scope);
    if (sub) subscriptions.set(sub.toLowerCase(), sub);
  }
  const seen = new Set<string>();
  const result: ObservedRoleAssignment[] = [];
  const add = (a: { name?: string; scope?: string; roleDefinitionId?: string; principalId?: string; principalType?: string; description?: string }) => {
    if (!a.name || seen.has(a.name.toLowerCase())) return;
    seen.add(a.name.toLowerCase());
    result.push({
      name: a.name,
      scope: a.scope ?? "",
      roleDefinitionId: a.roleDefinitionId ?? "",
      principalId: a.principalId ?? "",
      principalType: a.principalType,
      description: a.description ?? undefined,
    });
  };
  for (const sub of subscriptions.values()) {
    const { authorization } = session.forSubscription(sub);
    for await (const a of authorization.roleAssignments.listForSubscription({ filter: `principalId eq '${principalId}'`, abortSignal })) add(a);
  }
  // Scopes outside any subscription (management groups) cannot be listed this way: read them by name.
  for (const assignment of identity.roleAssignments) {
    if (subscriptionOfScope(assignment.scope)) continue;
    try {
      add(await session.forSubscription(plan.subscriptionId).authorization.roleAssignments.get(sdkScope(assignment.scope), assignment.name, { abortSignal }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return result;
}
