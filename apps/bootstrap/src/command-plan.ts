/**
 * `bootstrap plan`: read Azure and show, per resource, what apply would do (+ create, ~ update or
 * adopt, - delete with --prune, = unchanged) with the attributes that change; `--json` prints the
 * same as a document, `--out <file>` saves it for `apply <file>`. `--offline`: the desired state
 * only, from the fleet, said so plainly.
 */
import { resolve } from "node:path";
import { ArmUnreachableError, PlanRejectedError, readChanges } from "./bootstrap.js";
import { type CliEnvironment, type CommonOptions, displayPath, EXIT, loadPlan, openSession, UsageError, warnAboutIssuers } from "./command-context.js";
import { describeError } from "./arm-errors.js";
import { writePlanFile } from "./plan-file.js";
import { desiredStateDocument, hasChanges, planDocument } from "./plan-view.js";
import { formatClusterPlan, formatDesiredState, formatPlanSummary } from "./print.js";
import { validatePlan } from "./validate-plan.js";

export interface PlanOptions extends CommonOptions {
  prune?: boolean | undefined;
  offline?: boolean | undefined;
  json?: boolean | undefined;
  out?: string | undefined;
  /** Exit 1 when the plan has changes (0 when none), like `terraform plan -detailed-exitcode`. */
  exitCode?: boolean | undefined;
}

export async function runPlan(environment: CliEnvironment, options: PlanOptions): Promise<number> {
  if (options.offline && options.prune) throw new UsageError("--prune needs to read Azure; it cannot be combined with --offline");
  if (options.offline && options.out !== undefined) throw new UsageError("--out saves a plan for apply, which needs Azure read; it cannot be combined with --offline");
  if (options.offline && options.exitCode) throw new UsageError("--exit-code reports changes, which need Azure read; it cannot be combined with --offline");
  if (options.offline && options.ca !== undefined) throw new UsageError("--offline does not contact ARM; drop --ca");
  const plan = await loadPlan(environment, options);
  if (!plan) return EXIT.failed;
  warnAboutIssuers(environment, plan);
  if (options.offline) {
    const problems = validatePlan(plan);
    if (options.json) environment.stdout(JSON.stringify(desiredStateDocument(plan), null, 2));
    else for (const line of formatDesiredState(plan)) environment.stdout(line);
    if (problems.length > 0) {
      environment.stderr(new PlanRejectedError(problems).message);
      return EXIT.failed;
    }
    return EXIT.ok;
  }
  const started = Date.now();
  const session = await openSession(environment, options);
  if (!session) return EXIT.usage;
  const prune = options.prune ?? false;
  let changes;
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
  const document = planDocument(changes, prune);
  const info = options.json ? environment.stderr : environment.stdout;
  if (options.json) environment.stdout(JSON.stringify(document, null, 2));
  else {
    for (const cluster of document.clusters) for (const line of formatClusterPlan(cluster)) environment.stdout(line);
    for (const line of formatPlanSummary(document.summary, prune)) environment.stdout(line);
  }
  info(`${session.counts.reads} ARM read requests in ${((Date.now() - started) / 1000).toFixed(1)} s; nothing was changed.`);
  if (document.summary.problems > 0) {
    if (options.out !== undefined) environment.stderr(`The plan was not saved to ${options.out}: it has resources that cannot be applied.`);
    return EXIT.failed;
  }
  if (options.out !== undefined) {
    const path = resolve(options.out);
    const observed = Object.fromEntries(changes.map((c) => [c.plan.cluster, c.observedDigest!]));
    try {
      await writePlanFile(path, { ...document, identityPlan: plan, observed });
    } catch (error) {
      environment.stderr(`Could not save the plan to ${displayPath(environment, path)}: ${describeError(error)}`);
      return EXIT.usage;
    }
    info(`Saved the plan to ${options.out}. To make exactly these changes, run: bootstrap apply ${options.out}`);
  }
  return options.exitCode && hasChanges(document.summary) ? EXIT.failed : EXIT.ok;
}
