/**
 * `bootstrap apply`: read Azure, list what --prune would delete (and get consent), apply with one
 * progress line per resource, write the identity outputs files, print the summary.
 *
 * Deleting needs consent: with --prune, the deletions are listed first; then `--yes` deletes, a
 * terminal is asked, and a non-interactive run without --yes stops (exit 2) before any write.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { applyChanges } from "./apply.js";
import { PlanRejectedError, readChanges } from "./bootstrap.js";
import { type CliEnvironment, type CommonOptions, displayPath, EXIT, loadPlan, openSession, UsageError } from "./command-context.js";
import type { ClusterChanges } from "./diff.js";
import { ficAddress, roleAssignmentAddress } from "./addresses.js";
import { outputsPath, writeOutputsFile } from "./identity-outputs.js";
import { applyTotals, clusterHeading, formatApplySummary, formatResult } from "./print.js";
import { describeError } from "./arm-errors.js";

export interface ApplyCommandOptions extends CommonOptions {
  prune?: boolean | undefined;
  yes?: boolean | undefined;
  outputsDir?: string | undefined;
}

export async function runApply(environment: CliEnvironment, options: ApplyCommandOptions): Promise<number> {
  const plan = await loadPlan(environment, options);
  if (!plan) return EXIT.failed;
  const started = Date.now();
  const session = await openSession(environment, options);
  if (!session) return EXIT.failed;
  const prune = options.prune ?? false;
  let changes: ClusterChanges[];
  try {
    changes = await readChanges(plan, session, { prune, abortSignal: environment.abortSignal });
  } catch (error) {
    if (!(error instanceof PlanRejectedError)) throw error;
    environment.stderr(error.message);
    return EXIT.failed;
  }
  if (environment.abortSignal?.aborted) {
    environment.stderr("Interrupted while reading Azure; nothing was changed.");
    return EXIT.failed;
  }

  const deletions = listDeletions(changes);
  if (deletions.count > 0) {
    environment.stdout(`--prune: ${deletions.count} resource(s) flotilla created are no longer planned and will be deleted:`);
    for (const line of deletions.lines) environment.stdout(line);
    if (!options.yes) {
      if (!environment.interactive) {
        throw new UsageError(`refusing to delete ${deletions.count} resource(s) without --yes (not a terminal); nothing was changed`);
      }
      if (!(await environment.confirm(`Delete these ${deletions.count} resource(s)? [y/N] `))) {
        environment.stderr("Not confirmed; nothing was changed.");
        return EXIT.failed;
      }
    }
  }

  const tuning = environment.tuning ?? {};
  const report = await applyChanges(changes, session, {
    concurrency: tuning.concurrency,
    principalRetry: tuning.principalRetry,
    ficConflictRetry: tuning.ficConflictRetry,
    abortSignal: environment.abortSignal,
    onResult: (result) => environment.stdout(formatResult(result)),
  });

  let outputsFailed = false;
  const outputsDir = options.outputsDir ?? join(environment.repoRoot, "apps/fleet/identity-outputs");
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

/** The lines listing every delete of the diff, by cluster. */
function listDeletions(changes: readonly ClusterChanges[]): { lines: string[]; count: number } {
  const lines: string[] = [];
  let count = 0;
  for (const cluster of changes) {
    const own: string[] = [];
    for (const i of cluster.identities) {
      for (const f of i.fics) if (f.action === "delete") own.push(`  - federated credential  ${ficAddress(i.identity.planned, f)}`);
      for (const a of i.roleAssignments) if (a.action === "delete") own.push(`  - role assignment       ${roleAssignmentAddress(i.identity.planned, a)}`);
    }
    if (own.length > 0) lines.push(clusterHeading(cluster), ...own);
    count += own.length;
  }
  return { lines, count };
}
