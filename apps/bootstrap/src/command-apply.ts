/**
 * `bootstrap apply [plan-file]`.
 *
 * Without a plan file: read Azure, show the plan (as `plan` does), ask for confirmation — `--yes`
 * skips it; without a terminal and without --yes it stops (exit 2) before any write — then apply
 * with one progress line per resource, write the identity outputs files, print the summary.
 *
 * With a plan file (`plan --out <file>`): apply exactly the identity plan saved in it, with its
 * --prune, after checking that Azure still holds what was read when it was made; otherwise refuse
 * (exit 1) having changed nothing. The saved plan was the confirmation: nothing is asked.
 *
 * Either way it holds the lock of the identity outputs directory (@flotilla/lock) from reading
 * Azure to writing the outputs: a second apply waits, then refuses naming the holder (exit 2).
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describeHolder, LockBusyError, withLock } from "@flotilla/lock";
import type { IdentityPlan } from "@flotilla/workload-identity";
import { applyChanges } from "./apply.js";
import { ArmUnreachableError, PlanRejectedError, readChanges } from "./bootstrap.js";
import { type CliEnvironment, type CommonOptions, displayPath, EXIT, loadPlan, openSession, UsageError, warnAboutIssuers } from "./command-context.js";
import type { ArmSession } from "./arm-session.js";
import type { ClusterChanges } from "./diff.js";
import { outputsPath, writeOutputsFile } from "./identity-outputs.js";
import { PlanFileError, readPlanFile, type SavedPlan } from "./plan-file.js";
import { clusterView, hasChanges, planDocument, type ResourceView } from "./plan-view.js";
import { applyTotals, formatApplySummary, formatClusterPlan, formatPlanSummary, formatResult } from "./print.js";
import { describeError } from "./arm-errors.js";

export interface ApplyCommandOptions extends CommonOptions {
  prune?: boolean | undefined;
  yes?: boolean | undefined;
  outputsDir?: string | undefined;
}

export async function runApply(environment: CliEnvironment, options: ApplyCommandOptions, planFile?: string): Promise<number> {
  let saved: SavedPlan | undefined;
  let plan: IdentityPlan | null;
  if (planFile !== undefined) {
    if (options.cluster.length > 0 || options.fleet !== undefined || options.prune) {
      throw new UsageError("a saved plan already fixes the clusters, the fleet and --prune; drop --cluster, --fleet and --prune (or make a new plan)");
    }
    try {
      saved = await readPlanFile(resolve(planFile));
    } catch (error) {
      if (error instanceof PlanFileError) throw new UsageError(error.message);
      throw error;
    }
    plan = saved.identityPlan;
  } else {
    plan = await loadPlan(environment, options);
  }
  if (!plan) return EXIT.failed;
  warnAboutIssuers(environment, plan);
  const started = Date.now();
  const session = await openSession(environment, options);
  if (!session) return EXIT.usage;
  const prune = saved?.prune ?? options.prune ?? false;
  const outputsDir = options.outputsDir !== undefined ? resolve(options.outputsDir) : join(environment.repoRoot, "apps/fleet/identity-outputs");
  // One apply at a time: it holds the lock of the identity outputs from reading Azure to writing them.
  try {
    return await withLock(
      outputsDir,
      {
        operation: "bootstrap apply",
        waitMs: environment.tuning?.lockWaitMs,
        onWait: (holder) => environment.stderr(`Waiting for the lock of ${displayPath(environment, outputsDir)} (held by ${describeHolder(holder)})…`),
      },
      () => applyHoldingLock(environment, { plan: plan!, saved, planFile, prune, yes: options.yes ?? false, outputsDir, session, started }),
    );
  } catch (error) {
    if (!(error instanceof LockBusyError)) throw error;
    environment.stderr(`bootstrap: ${error.message}`);
    environment.stderr("Nothing was read or changed in Azure.");
    return EXIT.usage;
  }
}

interface LockedApply {
  plan: IdentityPlan;
  saved: SavedPlan | undefined;
  planFile: string | undefined;
  prune: boolean;
  yes: boolean;
  outputsDir: string;
  session: ArmSession;
  started: number;
}

async function applyHoldingLock(environment: CliEnvironment, run: LockedApply): Promise<number> {
  const { plan, saved, planFile, prune, outputsDir, session, started } = run;
  let changes: ClusterChanges[];
  try {
    changes = await readChanges(plan, session, { prune, abortSignal: environment.abortSignal });
  } catch (error) {
    if (error instanceof ArmUnreachableError) {
      environment.stderr(`bootstrap: ${error.message}`);
      return EXIT.usage;
    }
    if (!(error instanceof PlanRejectedError)) throw error;
    environment.stderr(error.message);
    return EXIT.failed;
  }
  if (environment.abortSignal?.aborted) {
    environment.stderr("Interrupted while reading Azure; nothing was changed.");
    return EXIT.failed;
  }

  if (saved) {
    const stale = staleness(saved, changes);
    if (stale.length > 0) {
      environment.stderr(`Azure changed since the plan in ${planFile} was made; refusing to apply it:`);
      for (const line of stale) environment.stderr(`  ${line}`);
      environment.stderr(`Nothing was changed. Make a new plan (bootstrap plan --out ${planFile}), review it, and apply that.`);
      return EXIT.failed;
    }
  } else {
    const document = planDocument(changes, prune);
    for (const cluster of document.clusters) for (const line of formatClusterPlan(cluster)) environment.stdout(line);
    for (const line of formatPlanSummary(document.summary, prune)) environment.stdout(line);
    const count = document.summary.create + document.summary.update + document.summary.adopt + document.summary.delete;
    if (hasChanges(document.summary) && !run.yes) {
      if (!environment.interactive) {
        throw new UsageError(
          `refusing to make ${count} change(s) in Azure without confirmation: not a terminal; re-run with --yes, or save a plan (bootstrap plan --out plan.json) and apply it (bootstrap apply plan.json); nothing was changed`,
        );
      }
      if (!(await environment.confirm(`Make these ${count} change(s) in Azure? [y/N] `))) {
        environment.stderr("Apply cancelled; nothing was changed.");
        return EXIT.failed;
      }
    }
  }

  environment.stdout("Applying:");
  const tuning = environment.tuning ?? {};
  const report = await applyChanges(changes, session, {
    concurrency: tuning.concurrency,
    principalRetry: tuning.principalRetry,
    ficConflictRetry: tuning.ficConflictRetry,
    abortSignal: environment.abortSignal,
    onResult: (result) => environment.stdout(formatResult(result)),
  });

  let outputsFailed = false;
  for (const outputs of report.outputs) {
    const cluster = changes.find((c) => c.plan.cluster === outputs.cluster)!;
    const path = outputsPath(outputsDir, outputs.cluster);
    // A cluster without identities needs no file; one that had identities gets its file rewritten.
    if (cluster.plan.identities.length === 0 && !existsSync(path)) continue;
    try {
      const written = await writeOutputsFile(outputsDir, outputs);
      environment.stdout(`${written === "written" ? "Wrote" : "Unchanged:"} ${displayPath(environment, path)}`);
    } catch (error) {
      outputsFailed = true;
      environment.stderr(`Could not write ${displayPath(environment, path)}: ${describeError(error)}`);
    }
  }
  for (const { cluster, reason } of report.withheldOutputs) {
    environment.stderr(`Identity outputs of cluster ${cluster} not written (${reason}); the previous file, if any, is unchanged.`);
  }

  const totals = applyTotals(report.results);
  environment.stdout(formatApplySummary(totals, session.counts, Date.now() - started, report.interrupted));
  return totals.failed > 0 || outputsFailed || report.interrupted ? EXIT.failed : EXIT.ok;
}

/** What differs between a saved plan and Azure now; empty when the plan still holds. */
function staleness(saved: SavedPlan, changes: readonly ClusterChanges[]): string[] {
  const lines: string[] = [];
  for (const current of changes) {
    const name = current.plan.cluster;
    if (saved.observed[name] === current.observedDigest) continue;
    const before = new Map((saved.clusters.find((c) => c.cluster === name)?.resources ?? []).map((r) => [r.address, r]));
    const now = new Map(clusterView(current).resources.map((r) => [r.address, r]));
    const describe = (r: ResourceView | undefined) => (r === undefined ? "nothing" : r.action);
    const differing = [...new Set([...before.keys(), ...now.keys()])].filter((address) => JSON.stringify(before.get(address)) !== JSON.stringify(now.get(address)));
    if (differing.length === 0) lines.push(`cluster ${name}: what Azure holds changed (outside what the plan changes)`);
    for (const address of differing) lines.push(`cluster ${name}: ${address}: the plan says ${describe(before.get(address))}, now ${describe(now.get(address))}`);
  }
  return lines;
}
