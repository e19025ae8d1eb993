/** `bootstrap plan`: what apply would do, per resource; `--offline`: the desired state only. */
import { PlanRejectedError, readChanges } from "./bootstrap.js";
import { type CliEnvironment, type CommonOptions, EXIT, loadPlan, openSession, UsageError } from "./command-context.js";
import { formatClusterPlan, formatDesiredState, formatPlanSummary, type PlanTotals } from "./print.js";
import { validatePlan } from "./validate-plan.js";

export interface PlanOptions extends CommonOptions {
  prune?: boolean | undefined;
  offline?: boolean | undefined;
}

export async function runPlan(environment: CliEnvironment, options: PlanOptions): Promise<number> {
  if (options.offline && options.prune) throw new UsageError("--prune needs to read Azure; it cannot be combined with --offline");
  if (options.offline && options.ca !== undefined) throw new UsageError("--offline does not contact ARM; drop --ca");
  const plan = await loadPlan(environment, options);
  if (!plan) return EXIT.failed;
  if (options.offline) {
    const problems = validatePlan(plan);
    for (const line of formatDesiredState(plan)) environment.stdout(line);
    if (problems.length > 0) {
      environment.stderr(new PlanRejectedError(problems).message);
      return EXIT.failed;
    }
    return EXIT.ok;
  }
  const started = Date.now();
  const session = await openSession(environment, options);
  if (!session) return EXIT.failed;
  let changes;
  try {
    changes = await readChanges(plan, session, { prune: options.prune ?? false, abortSignal: environment.abortSignal });
  } catch (error) {
    if (!(error instanceof PlanRejectedError)) throw error;
    environment.stderr(error.message);
    return EXIT.failed;
  }
  if (environment.abortSignal?.aborted) {
    environment.stderr("Interrupted while reading Azure; nothing was changed.");
    return EXIT.failed;
  }
  const totals: PlanTotals = { create: 0, update: 0, unchanged: 0, delete: 0, problems: 0, prunable: 0 };
  for (const cluster of changes) for (const line of formatClusterPlan(cluster, totals)) environment.stdout(line);
  for (const line of formatPlanSummary(totals, options.prune ?? false)) environment.stdout(line);
  environment.stdout(`${session.counts.reads} ARM read requests in ${((Date.now() - started) / 1000).toFixed(1)} s; nothing was changed.`);
  return totals.problems > 0 ? EXIT.failed : EXIT.ok;
}
