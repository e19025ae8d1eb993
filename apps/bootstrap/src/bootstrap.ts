/**
 * The programmatic API: the identity plan is the input, Azure is read through an ArmSession.
 *   readChanges(plan, session, { prune })  → what apply would do, per resource
 *   apply(plan, session, options)          → does it; returns per-resource results and outputs
 * Neither prints nor touches files: the CLI (commands/*.ts) does that.
 */
import type { IdentityPlan } from "@flotilla/workload-identity";
import { type ApplyOptions, type ApplyReport, applyChanges } from "./apply.js";
import type { ArmSession } from "./arm-session.js";
import { type ClusterChanges, diffCluster } from "./diff.js";
import { observeCluster } from "./observe.js";
import { observationDigest } from "./plan-file.js";
import { validatePlan } from "./validate-plan.js";

export class PlanRejectedError extends Error {
  constructor(readonly problems: string[]) {
    super(`the identity plan cannot be applied:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "PlanRejectedError";
  }
}

/** Not one read got an answer from ARM (DNS, refused, timed out, TLS): the network, not the plan. */
export class ArmUnreachableError extends Error {
  constructor(
    readonly endpoint: string,
    readonly code: string,
  ) {
    super(`cannot reach Azure Resource Manager at ${endpoint} (${code}): check your network, DNS and proxy (HTTPS_PROXY); nothing was changed`);
    this.name = "ArmUnreachableError";
  }
}

export interface ReadOptions {
  prune: boolean;
  /** Reads in flight at once per cluster. Default 8. */
  readConcurrency?: number | undefined;
  abortSignal?: AbortSignal | undefined;
}

/**
 * Reads Azure for every cluster of the plan and diffs it against the plan. Throws PlanRejectedError
 * first if the plan breaks Azure's limits, ArmUnreachableError when no read of a cluster got an answer.
 */
export async function readChanges(plan: IdentityPlan, session: ArmSession, options: ReadOptions): Promise<ClusterChanges[]> {
  const problems = validatePlan(plan);
  if (problems.length > 0) throw new PlanRejectedError(problems);
  const changes: ClusterChanges[] = [];
  for (const cluster of plan.clusters) {
    const observed = await observeCluster(cluster, session, { concurrency: options.readConcurrency, abortSignal: options.abortSignal });
    const observations = [...observed.roleDefinitions.values(), ...observed.identities.values()];
    const unreachable = observations.map((o) => (o.state === "error" ? o.unreachable : undefined));
    if (observations.length > 0 && unreachable.every((code) => code !== undefined)) throw new ArmUnreachableError(session.endpoint, unreachable[0]!);
    changes.push({ ...diffCluster(cluster, observed, { prune: options.prune }), observedDigest: observationDigest(observed) });
  }
  return changes;
}

export interface ApplyPlanOptions extends ApplyOptions, ReadOptions {}

export interface ApplyPlanReport extends ApplyReport {
  changes: ClusterChanges[];
}

/** readChanges, then applyChanges. */
export async function apply(plan: IdentityPlan, session: ArmSession, options: ApplyPlanOptions): Promise<ApplyPlanReport> {
  const changes = await readChanges(plan, session, options);
  const report = await applyChanges(changes, session, options);
  return { ...report, changes };
}
