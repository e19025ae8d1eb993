/**
 * Runs the jobs of a GitHub Actions workflow as a runner does, for the part that can run here:
 * each `run:` step in `bash -e {0}` (the runner's default shell) with the step's env,
 * RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and GITHUB_WORKSPACE; `${{ }}` expressions
 * evaluated over the event's context; a step skipped after a failure unless its `if` uses a status
 * function; job outputs, `needs` and job `if`. What cannot run here (GitHub's own actions, an
 * install that downloads and builds for minutes) the caller stands in for, by action name or by the
 * step's exact command; a step nobody stands in for and an expression this evaluator does not know
 * fail the job, as an unknown action would.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runBash } from "./run-script.js";

export interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

export interface Job {
  if?: string;
  needs?: string | string[];
  environment?: string;
  outputs?: Record<string, string>;
  steps: Step[];
}

export interface StepResult {
  name: string;
  outcome: "success" | "failure" | "skipped";
  code?: number | null;
  stdout: string;
  stderr: string;
}

export interface JobResult {
  result: "success" | "failure" | "skipped";
  steps: StepResult[];
  outputs: Record<string, string>;
  summary: string;
}

/** What an action does here: it may set the workspace (checkout) and add to PATH (a CLI it installs). */
export type ActionStandIn = (step: Step, job: { workspace: string | undefined; temp: string }) => Promise<{ workspace?: string; path?: string } | void>;

export interface RunOptions {
  /** `github`, `vars`, `secrets`, `runner` and `needs` as the expressions see them. */
  context: Record<string, unknown>;
  /** By action name without its version (`actions/checkout`). */
  actions: Record<string, ActionStandIn>;
  /** By the step's exact `run:` text. */
  commands?: Record<string, (workspace: string) => Promise<void>>;
  /** The machine's environment for every step (PATH, HOME, …). */
  env: Record<string, string>;
  /** Where the job's RUNNER_TEMP is made. */
  tempRoot: string;
}

/** Runs `job`; its `needs` must be given in `context.needs` (`{ <job>: { result, outputs } }`). */
export async function runJob(job: Job, options: RunOptions): Promise<JobResult> {
  const needs = (options.context.needs ?? {}) as Record<string, { result: string }>;
  for (const need of [job.needs ?? []].flat()) if (!needs[need]) throw new Error(`job needs ${need}, which was not run`);
  const needed = [job.needs ?? []].flat().every((need) => needs[need]!.result === "success");
  if (!condition(job.if, options.context, !needed)) return { result: "skipped", steps: [], outputs: {}, summary: "" };

  const temp = await mkdtemp(join(options.tempRoot, "runner-temp-"));
  const outputFile = join(temp, "_github_output");
  const summaryFile = join(temp, "_step_summary");
  await writeFile(summaryFile, "");
  const context: Record<string, unknown> = { ...options.context, runner: { temp }, steps: {} as Record<string, { outputs: Record<string, string>; outcome: string }> };
  const steps: StepResult[] = [];
  let workspace: string | undefined;
  let extraPath = "";
  let failed = false;
  for (const [index, step] of job.steps.entries()) {
    const name = step.name ?? step.uses ?? step.run ?? `step ${index}`;
    if (!condition(step.if, context, failed)) {
      steps.push({ name, outcome: "skipped", stdout: "", stderr: "" });
      continue;
    }
    let result: StepResult;
    if (step.uses) {
      const action = options.actions[step.uses.replace(/@.*$/, "")];
      if (!action) throw new Error(`no stand-in for the action ${step.uses}`);
      const resolved = { ...step, with: Object.fromEntries(Object.entries(step.with ?? {}).map(([key, value]) => [key, typeof value === "string" ? substitute(value, context) : value])) };
      const done = (await action(resolved, { workspace, temp })) ?? {};
      if (done.workspace) workspace = done.workspace;
      if (done.path) extraPath = `${done.path}:${extraPath}`;
      result = { name, outcome: "success", stdout: "", stderr: "" };
    } else if (step.run !== undefined) {
      if (!workspace) throw new Error(`step "${name}" runs before any checkout`);
      const standIn = options.commands?.[step.run];
      if (standIn) {
        await standIn(workspace);
        result = { name, outcome: "success", stdout: "", stderr: "" };
      } else {
        if (/\$\{\{/.test(step.run)) throw new Error(`step "${name}" puts an expression into its script: pass it through env (script injection)`);
        await writeFile(outputFile, "");
        const env: Record<string, string> = {
          ...options.env,
          PATH: `${extraPath}${options.env.PATH}`,
          CI: "true",
          GITHUB_ACTIONS: "true",
          GITHUB_WORKSPACE: workspace,
          GITHUB_OUTPUT: outputFile,
          GITHUB_STEP_SUMMARY: summaryFile,
          RUNNER_TEMP: temp,
          ...Object.fromEntries(Object.entries(step.env ?? {}).map(([key, value]) => [key, substitute(String(value), context)])),
        };
        const script = join(temp, `_step_${index}.sh`);
        await writeFile(script, step.run);
        const run = await runBash(["-e", script], workspace, env);
        result = { name, outcome: run.code === 0 ? "success" : "failure", ...run };
        if (step.id) (context.steps as Record<string, unknown>)[step.id] = { outcome: result.outcome, outputs: parseOutputs(await readFile(outputFile, "utf8")) };
      }
    } else throw new Error(`step "${name}" has neither uses nor run`);
    steps.push(result);
    if (result.outcome === "failure") failed = true;
  }
  const outputs = Object.fromEntries(Object.entries(job.outputs ?? {}).map(([key, value]) => [key, substitute(value, context)]));
  return { result: failed ? "failure" : "success", steps, outputs, summary: await readFile(summaryFile, "utf8") };
}

/** `name=value` lines and `name<<DELIM` blocks, as the runner reads GITHUB_OUTPUT. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const block = /^([\w-]+)<<(.+)$/.exec(lines[i]!);
    if (block) {
      const end = lines.indexOf(block[2]!, i + 1);
      outputs[block[1]!] = lines.slice(i + 1, end).join("\n");
      i = end;
      continue;
    }
    const line = /^([\w-]+)=(.*)$/.exec(lines[i]!);
    if (line) outputs[line[1]!] = line[2]!;
  }
  return outputs;
}

/** `${{ expr }}` inside a string, each replaced by its value ("" for null). */
function substitute(text: string, context: Record<string, unknown>): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, expression: string) => String(evaluate(expression, context, false) ?? ""));
}

/** A step's or job's `if`: without a status function it is `success() && (…)`. */
function condition(expression: string | undefined, context: Record<string, unknown>, failed: boolean): boolean {
  const text = (expression ?? "").trim().replace(/^\$\{\{(.*)\}\}$/s, "$1").trim();
  const usesStatus = /\b(success|failure|always|cancelled)\(\)/.test(text);
  if (!usesStatus && failed) return false;
  return text === "" ? true : Boolean(evaluate(text, context, failed));
}

/**
 * The expressions the templates use: terms joined by `&&`, each `!fn()`/`fn()` (a status
 * function), `a == b`, `a != b`, or an operand (a 'literal', true/false, or a context path).
 * Anything else (`||`, parentheses, other functions) throws.
 */
function evaluate(expression: string, context: Record<string, unknown>, failed: boolean): unknown {
  const terms = expression.split("&&").map((term) => term.trim());
  if (terms.length > 1) return terms.every((term) => Boolean(evaluate(term, context, failed)));
  const term = terms[0]!;
  const status: Record<string, boolean> = { success: !failed, failure: failed, always: true, cancelled: false };
  const call = /^(!?)(success|failure|always|cancelled)\(\)$/.exec(term);
  if (call) return call[1] ? !status[call[2]!] : status[call[2]!];
  const comparison = /^(.+?)\s*(==|!=)\s*(.+)$/.exec(term);
  if (comparison) {
    const equal = operand(comparison[1]!, context) === operand(comparison[3]!, context);
    return comparison[2] === "==" ? equal : !equal;
  }
  return operand(term, context);
}

function operand(text: string, context: Record<string, unknown>): unknown {
  const trimmed = text.trim();
  const literal = /^'(.*)'$/.exec(trimmed);
  if (literal) return literal[1];
  if (trimmed === "true" || trimmed === "false") return trimmed === "true";
  if (!/^[a-z_][\w-]*(\.[\w-]+)*$/i.test(trimmed)) throw new Error(`expression not understood here: ${trimmed}`);
  let value: unknown = context;
  for (const key of trimmed.split(".")) value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return value ?? null;
}
