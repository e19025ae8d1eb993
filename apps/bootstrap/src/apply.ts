/**
 * The apply executor: makes Azure match a diff (diff.ts), idempotently.
 *
 * Concurrency model:
 * 1. Custom role definitions first (role assignments need them), up to `concurrency` at a time.
 * 2. Then one lane per identity, up to `concurrency` lanes at a time. A lane writes the identity
 *    (PUT), then its federated credentials one at a time (deletes first, then creates/updates).
 *    Every write to an identity and its credentials goes through a {@link KeyedSerialQueue}
 *    keyed by the identity's resource ID, so two writes to one identity never overlap (Azure
 *    answers 409 to concurrent credential writes), whatever schedules them.
 * 3. Once its identity exists, each identity's role assignments run as a chain of their own
 *    (deletes first, then creates/updates, one at a time), outside the lane: waiting for a new
 *    principal to replicate holds no lane. At most `concurrency` role assignment requests are in
 *    flight at once (a {@link Semaphore}); a retry wait holds no slot.
 *
 * Every write is a PUT/DELETE of a deterministic name, so an interrupted run is finished by
 * running again. Throttling, 5xx and dropped connections are retried by the SDK pipeline
 * (arm-session.ts); PrincipalNotFound (Entra replication after a new identity), a concurrent
 * credential write (409) and a credential write that does not yet see a just-created identity
 * (404 ParentResourceNotFound) are retried here, bounded in attempts and time (retry.ts).
 */
import type { ClusterIdentityPlan, IdentityOutputs, PlannedIdentity } from "@flotilla/workload-identity";
import { ficAddress, identityAddress, roleAssignmentAddress, roleDefinitionAddress } from "./addresses.js";
import { describeError, hasCode } from "./arm-errors.js";
import { sdkScope, subscriptionOfScope } from "./arm-scope.js";
import type { ArmSession } from "./arm-session.js";
import { forEachBounded, KeyedSerialQueue, Semaphore } from "./concurrency.js";
import type {
  Action,
  AttributeChange,
  ClusterChanges,
  FicChange,
  IdentityChange,
  IdentityChanges,
  ResourceKind,
  RoleAssignmentChange,
  RoleDefinitionChange,
} from "./diff.js";
import { credentialTag, deleteTag } from "./ownership.js";
import { retry, type RetryPolicy } from "./retry.js";

export type Outcome = "created" | "updated" | "adopted" | "unchanged" | "exists" | "deleted" | "failed" | "skipped";

export interface ResourceResult {
  cluster: string;
  kind: ResourceKind;
  address: string;
  outcome: Outcome;
  /** Why it failed or was skipped, or a note ("exists (created outside flotilla) as …"). */
  message?: string | undefined;
}

export interface ApplyOptions {
  /** Identities (and role definitions) written in parallel. Default 4. */
  concurrency?: number | undefined;
  /** Retrying role assignments while a new principal replicates. */
  principalRetry?: RetryPolicy | undefined;
  /** Retrying a credential write answered 409 (another writer on the identity) or 404 (identity created moments ago). */
  ficConflictRetry?: RetryPolicy | undefined;
  /** When aborted, no new write starts; writes in flight finish. */
  abortSignal?: AbortSignal | undefined;
  /** Called once per resource, as soon as its outcome is known. */
  onResult?: ((result: ResourceResult) => void) | undefined;
}

/** Entra replication of a new identity's service principal usually takes seconds, at worst minutes. */
export const DEFAULT_PRINCIPAL_RETRY: RetryPolicy = { maxAttempts: 15, maxElapsedMs: 120_000, baseDelayMs: 2_000, maxDelayMs: 10_000 };
export const DEFAULT_FIC_CONFLICT_RETRY: RetryPolicy = { maxAttempts: 5, maxElapsedMs: 30_000, baseDelayMs: 1_000, maxDelayMs: 8_000 };
export const DEFAULT_CONCURRENCY = 4;

export interface ApplyReport {
  results: ResourceResult[];
  /** One per cluster whose identities all exist and none failed. */
  outputs: IdentityOutputs[];
  /** Clusters whose outputs were not produced, and why. */
  withheldOutputs: Array<{ cluster: string; reason: string }>;
  interrupted: boolean;
}

interface KnownIdentity {
  principalId: string;
  clientId: string;
}

class Interrupted extends Error {
  constructor() {
    super("interrupted before this write started");
  }
}

const CONCURRENT_FIC_WRITE = "ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity";

export async function applyChanges(changes: readonly ClusterChanges[], session: ArmSession, options: ApplyOptions = {}): Promise<ApplyReport> {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const results: ResourceResult[] = [];
  const queue = new KeyedSerialQueue();
  const assignmentRequests = new Semaphore(concurrency);
  const assignmentChains: Promise<void>[] = [];
  const definitionState = new Map<string, "ready" | "written" | "failed">();
  const known = new Map<string, Map<string, KnownIdentity>>();
  const identityProblems = new Map<string, string>();

  const report = (result: ResourceResult) => {
    results.push(result);
    options.onResult?.(result);
  };
  const guard = () => {
    if (options.abortSignal?.aborted) throw new Interrupted();
  };
  const failure = (error: unknown): { outcome: Outcome; message: string } => {
    // A retry wait cut short by the abort signal rejects with the signal's reason.
    const cutShort = options.abortSignal?.aborted === true && error === options.abortSignal.reason;
    return error instanceof Interrupted || cutShort
      ? { outcome: "skipped", message: new Interrupted().message }
      : { outcome: "failed", message: describeError(error) };
  };

  // 1. Custom role definitions.
  const definitions = changes.flatMap((cluster) => cluster.roleDefinitions.map((change) => ({ plan: cluster.plan, change })));
  await forEachBounded(definitions, concurrency, async ({ plan, change }) => {
    const outcome = await applyRoleDefinition(plan, change);
    definitionState.set(change.planned.name.toLowerCase(), outcome);
  });

  async function applyRoleDefinition(plan: ClusterIdentityPlan, change: RoleDefinitionChange): Promise<"ready" | "written" | "failed"> {
    const base = { cluster: plan.cluster, kind: change.kind, address: roleDefinitionAddress(change) };
    if (change.readError !== undefined || change.blocked !== undefined) {
      report({ ...base, outcome: "failed", message: change.readError !== undefined ? `could not read it: ${change.readError}` : change.blocked });
      return "failed";
    }
    if (change.action === "unchanged") {
      report({ ...base, outcome: "unchanged" });
      return "ready";
    }
    const p = change.planned;
    try {
      guard();
      const { authorization } = session.forSubscription(subscriptionOfScope(p.scope) ?? plan.subscriptionId);
      await authorization.roleDefinitions.createOrUpdate(sdkScope(p.scope), p.name, {
        roleName: p.roleName,
        description: p.description,
        roleType: "CustomRole",
        permissions: [{ actions: p.actions, notActions: p.notActions, dataActions: p.dataActions, notDataActions: p.notDataActions }],
        assignableScopes: [p.scope],
      });
      report({ ...base, outcome: change.action === "create" ? "created" : "updated", message: attributeNames(change) });
      return "written";
    } catch (error) {
      report({ ...base, ...failure(error) });
      return "failed";
    }
  }

  // 2. One lane per identity; 3. role assignment chains, started by the lanes.
  const lanes = changes.flatMap((cluster) => cluster.identities.map((identity) => ({ plan: cluster.plan, identity })));
  await forEachBounded(lanes, concurrency, ({ plan, identity }) => applyIdentityLane(plan, identity));
  await Promise.all(assignmentChains);

  async function applyIdentityLane(plan: ClusterIdentityPlan, changes: IdentityChanges): Promise<void> {
    const change = changes.identity;
    const planned = change.planned;
    const base = { cluster: plan.cluster, kind: change.kind, address: identityAddress(change) };
    const problem = (reason: string) => {
      if (!identityProblems.has(plan.cluster)) identityProblems.set(plan.cluster, `identity ${planned.name}: ${reason}`);
    };
    if (changes.readError !== undefined) {
      report({ ...base, outcome: "failed", message: `could not read it: ${changes.readError}` });
      problem("could not be read");
      return;
    }
    let ids: KnownIdentity | undefined = change.observed ? { principalId: change.observed.principalId, clientId: change.observed.clientId } : undefined;
    if (change.blocked !== undefined) {
      report({ ...base, outcome: "failed", message: change.blocked });
      problem(change.blocked);
      // Nothing is written to an identity that cannot be written itself (its ownership records could not be kept).
      ids = undefined;
    } else if (change.action === "unchanged") {
      report({ ...base, outcome: "unchanged" });
    } else {
      try {
        const { msi } = session.forSubscription(plan.subscriptionId);
        const written = await queue.run(identityKey(planned), () => {
          guard();
          return msi.userAssignedIdentities.createOrUpdate(planned.resourceGroup, planned.name, {
            location: planned.location,
            tags: change.tags,
            ...(change.observed?.isolationScope ? { isolationScope: change.observed.isolationScope } : {}),
          });
        });
        if (!written.principalId || !written.clientId) throw new Error("ARM answered without principalId/clientId");
        if (written.tenantId && written.tenantId.toLowerCase() !== plan.tenantId.toLowerCase()) {
          problem(`belongs to tenant ${written.tenantId}, the fleet says ${plan.tenantId}`);
        }
        ids = { principalId: written.principalId, clientId: written.clientId };
        report({ ...base, outcome: pastTense(change.action), message: attributeNames(change) });
      } catch (error) {
        const f = failure(error);
        report({ ...base, ...f });
        problem(f.message);
      }
    }
    if (!ids) {
      const message =
        change.blocked !== undefined ? `identity ${planned.name} cannot be written as planned` : `identity ${planned.name} does not exist (its creation did not succeed)`;
      for (const fic of changes.fics) report({ cluster: plan.cluster, kind: fic.kind, address: ficAddress(planned, fic), outcome: "skipped", message });
      for (const a of changes.roleAssignments) report({ cluster: plan.cluster, kind: a.kind, address: roleAssignmentAddress(planned, a), outcome: "skipped", message });
      return;
    }
    let byKey = known.get(plan.cluster);
    if (!byKey) known.set(plan.cluster, (byKey = new Map()));
    byKey.set(planned.key, ids);
    const principalId = ids.principalId;
    assignmentChains.push(
      (async () => {
        for (const a of changes.roleAssignments) await applyRoleAssignment(plan, planned, a, principalId);
      })(),
    );
    const deleted: string[] = [];
    for (const fic of changes.fics) {
      if ((await applyFic(plan, planned, fic, change.action === "create")) && fic.action === "delete") deleted.push(fic.name);
    }
    if (deleted.length > 0) await forgetCredentials(plan, change, deleted, base);
  }

  /** Removes the ownership records of credentials just deleted (the identity's other tags stay as written). */
  async function forgetCredentials(plan: ClusterIdentityPlan, change: IdentityChange, names: string[], base: Omit<ResourceResult, "outcome">): Promise<void> {
    const planned = change.planned;
    const tags = { ...change.tags };
    for (const name of names) deleteTag(tags, credentialTag(name));
    try {
      const { msi } = session.forSubscription(plan.subscriptionId);
      await queue.run(identityKey(planned), () =>
        msi.userAssignedIdentities.createOrUpdate(planned.resourceGroup, planned.name, {
          location: planned.location,
          tags,
          ...(change.observed?.isolationScope ? { isolationScope: change.observed.isolationScope } : {}),
        }),
      );
    } catch (error) {
      report({ ...base, outcome: "failed", message: `could not remove the records of the deleted credentials (${names.join(", ")}) from its tags: ${describeError(error)}` });
    }
  }

  /** True when the change is in place afterwards. */
  async function applyFic(plan: ClusterIdentityPlan, identity: PlannedIdentity, change: FicChange, identityIsNew: boolean): Promise<boolean> {
    const base = { cluster: plan.cluster, kind: change.kind, address: ficAddress(identity, change) };
    if (change.blocked !== undefined) {
      report({ ...base, outcome: "failed", message: change.blocked });
      return false;
    }
    if (change.action === "unchanged" || (change.action === "adopt" && change.attributes.length === 0)) {
      // Adopting as it is: the record is in the identity's tags, written before.
      report({ ...base, outcome: change.action === "adopt" ? "adopted" : "unchanged" });
      return true;
    }
    const { msi } = session.forSubscription(plan.subscriptionId);
    const write = () =>
      queue.run(identityKey(identity), async () => {
        guard();
        if (change.action === "delete") {
          await msi.federatedIdentityCredentials.delete(identity.resourceGroup, identity.name, change.name);
          return;
        }
        const p = change.planned!;
        await msi.federatedIdentityCredentials.createOrUpdate(identity.resourceGroup, identity.name, change.name, {
          issuer: p.issuer,
          subject: p.subject,
          audiences: [...p.audiences],
        });
      });
    try {
      // Another writer on the identity (409), or ARM not yet seeing an identity created moments ago (404).
      const retryable = (error: unknown) => hasCode(error, CONCURRENT_FIC_WRITE) || (identityIsNew && hasCode(error, "ParentResourceNotFound"));
      await retry(write, retryable, options.ficConflictRetry ?? DEFAULT_FIC_CONFLICT_RETRY, {
        signal: options.abortSignal,
      });
      report({ ...base, outcome: pastTense(change.action), message: attributeNames(change) });
      return true;
    } catch (error) {
      report({ ...base, ...failure(error) });
      return false;
    }
  }

  async function applyRoleAssignment(plan: ClusterIdentityPlan, identity: PlannedIdentity, change: RoleAssignmentChange, principalId: string): Promise<void> {
    const base = { cluster: plan.cluster, kind: change.kind, address: roleAssignmentAddress(identity, change) };
    if (change.blocked !== undefined) return report({ ...base, outcome: "failed", message: change.blocked });
    if (change.action === "unchanged") return report({ ...base, outcome: change.note ? "exists" : "unchanged", message: change.note });
    const definition = change.needsRoleDefinition ? definitionState.get(change.needsRoleDefinition) : undefined;
    if (change.action !== "delete" && definition === "failed") {
      return report({ ...base, outcome: "skipped", message: `role definition ${change.roleName} is not in place` });
    }
    const { authorization } = session.forSubscription(subscriptionOfScope(change.scope) ?? plan.subscriptionId);
    try {
      if (change.action === "delete") {
        await assignmentRequests.run(() => {
          guard();
          return authorization.roleAssignments.delete(sdkScope(change.scope), change.name);
        });
        return report({ ...base, outcome: "deleted" });
      }
      const p = change.planned!;
      const retryable = (error: unknown) => hasCode(error, "PrincipalNotFound") || (definition === "written" && hasCode(error, "RoleDefinitionDoesNotExist"));
      await retry(
        () =>
          assignmentRequests.run(() => {
            guard();
            return authorization.roleAssignments.create(sdkScope(p.scope), p.name, {
              roleDefinitionId: p.roleDefinitionId,
              principalId,
              principalType: p.principalType,
              description: p.description,
            });
          }),
        retryable,
        options.principalRetry ?? DEFAULT_PRINCIPAL_RETRY,
        { signal: options.abortSignal },
      );
      report({ ...base, outcome: change.action === "create" ? "created" : "updated", message: attributeNames(change) });
    } catch (error) {
      if (change.action !== "delete" && hasCode(error, "RoleAssignmentExists")) {
        // The same role on the same scope for the same principal, under another name.
        return report({ ...base, outcome: "exists", message: "exists (created outside flotilla)" });
      }
      report({ ...base, ...failure(error) });
    }
  }

  // 3. Identity outputs of every cluster whose identities are all in place.
  const interrupted = options.abortSignal?.aborted === true;
  const outputs: IdentityOutputs[] = [];
  const withheldOutputs: ApplyReport["withheldOutputs"] = [];
  for (const cluster of changes) {
    const name = cluster.plan.cluster;
    const byKey = known.get(name) ?? new Map<string, KnownIdentity>();
    const missing = cluster.plan.identities.find((identity) => !byKey.has(identity.key));
    const reason = interrupted
      ? "apply was interrupted"
      : identityProblems.get(name) ?? (missing ? `identity ${missing.name} does not exist` : undefined);
    if (reason) {
      withheldOutputs.push({ cluster: name, reason });
      continue;
    }
    outputs.push({
      cluster: name,
      tenantId: cluster.plan.tenantId,
      identities: Object.fromEntries(
        cluster.plan.identities.map((identity) => {
          const ids = byKey.get(identity.key)!;
          return [identity.key, { clientId: ids.clientId, principalId: ids.principalId, resourceId: identity.resourceId }];
        }),
      ),
    });
  }
  return { results, outputs, withheldOutputs, interrupted };
}

const identityKey = (identity: PlannedIdentity) => identity.resourceId.toLowerCase();

const PAST: Record<Exclude<Action, "unchanged">, Outcome> = { create: "created", update: "updated", adopt: "adopted", delete: "deleted" };
const pastTense = (action: Action): Outcome => (action === "unchanged" ? "unchanged" : PAST[action]);

/** The attributes an update wrote, for the progress line (creates and deletes need none). */
const attributeNames = (change: { action: Action; attributes: readonly AttributeChange[] }) =>
  (change.action === "update" || change.action === "adopt") && change.attributes.length > 0 ? change.attributes.map((a) => a.name).join(", ") : undefined;
