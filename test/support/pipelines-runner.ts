/**
 * Runs the jobs of an Azure Pipelines YAML pipeline as an agent does, for the part that can run
 * here: `script:` steps and AzureCLI@2 inline bash scripts in bash (no `-e`, as the agent runs them),
 * after `$(Name)` macros are replaced by the pipeline's variables, with every variable that is not
 * secret in the environment (`System.PullRequest.SourceBranch` as SYSTEM_PULLREQUEST_SOURCEBRANCH)
 * and the step's `env:`; conditions (`and`, `not`, `eq`, `succeeded()`, `canceled()`,
 * `variables['…']`, `dependencies.<job>.outputs['<step>.<name>']`), succeeded() when none; output
 * variables set with `##vso[task.setvariable variable=…;isOutput=true]`. What cannot run here
 * (checkout, tasks, publish and download) the caller stands in for; a step nobody stands in for and
 * an expression this evaluator does not know fail the test.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runBash } from "./run-script.js";

export interface PipelineStep {
  script?: string;
  task?: string;
  checkout?: string;
  publish?: string;
  download?: string;
  name?: string;
  displayName?: string;
  condition?: string;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  [key: string]: unknown;
}

export interface StepRun {
  name: string;
  outcome: "succeeded" | "failed" | "skipped";
  stdout: string;
  stderr: string;
}

export interface PipelineJobResult {
  result: "succeeded" | "failed" | "skipped";
  steps: StepRun[];
  /** `<step name>.<variable>` → value. */
  outputs: Record<string, string>;
}

/** What a checkout, task, publish or download step does here: it may set the workspace and add to PATH. */
export type StepStandIn = (step: PipelineStep, job: { workspace: string | undefined; variables: Record<string, string> }) => Promise<{ workspace?: string; path?: string } | void>;

export interface PipelineRunOptions {
  /** The pipeline's variables (`Build.Reason`, `System.PullRequest.SourceBranch`, its own `variables:`…). */
  variables: Record<string, string>;
  /** Variables that are secret: replaced in macros, never put into the environment. */
  secrets: Record<string, string>;
  /** The jobs this one depends on, by name. */
  dependencies?: Record<string, PipelineJobResult>;
  /** By `checkout`, `publish`, `download` or the task's name (`NodeTool@0`, `AzureCLI@2`). */
  standIns: Record<string, StepStandIn>;
  /** By a script's exact text. */
  commands?: Record<string, (workspace: string) => Promise<void>>;
  env: Record<string, string>;
  tempRoot: string;
}

export async function runPipelineJob(job: { condition?: string; steps: PipelineStep[] }, options: PipelineRunOptions): Promise<PipelineJobResult> {
  const dependencies = options.dependencies ?? {};
  const dependenciesOk = Object.values(dependencies).every((dependency) => dependency.result === "succeeded");
  if (!pipelineCondition(job.condition, { ...options, failed: !dependenciesOk })) return { result: "skipped", steps: [], outputs: {} };
  const temp = await mkdtemp(join(options.tempRoot, "agent-temp-"));
  const variables = { ...options.variables, "Agent.TempDirectory": temp };
  const steps: StepRun[] = [];
  const outputs: Record<string, string> = {};
  let workspace: string | undefined;
  let extraPath = "";
  let failed = false;
  for (const [index, step] of job.steps.entries()) {
    const name = step.displayName ?? step.name ?? step.task ?? step.script ?? `step ${index}`;
    if (!pipelineCondition(step.condition, { ...options, variables, failed })) {
      steps.push({ name, outcome: "skipped", stdout: "", stderr: "" });
      continue;
    }
    const kind = step.checkout !== undefined ? "checkout" : step.publish !== undefined ? "publish" : step.download !== undefined ? "download" : step.task;
    let script = step.script;
    if (kind !== undefined) {
      const standIn = options.standIns[kind];
      if (!standIn) throw new Error(`no stand-in for ${kind}`);
      const done = (await standIn({ ...step, ...(step.publish ? { publish: macros(step.publish, variables, options.secrets) } : {}) }, { workspace, variables })) ?? {};
      if (done.workspace) workspace = done.workspace;
      if (done.path) extraPath = `${done.path}:${extraPath}`;
      if (step.task === "AzureCLI@2") script = step.inputs?.inlineScript;
    }
    if (script === undefined) {
      steps.push({ name, outcome: "succeeded", stdout: "", stderr: "" });
      continue;
    }
    if (!workspace) throw new Error(`step "${name}" runs before any checkout`);
    const standIn = options.commands?.[script];
    if (standIn) {
      await standIn(workspace);
      steps.push({ name, outcome: "succeeded", stdout: "", stderr: "" });
      continue;
    }
    const env: Record<string, string> = {
      ...options.env,
      ...Object.fromEntries(Object.entries(variables).map(([key, value]) => [key.toUpperCase().replace(/\./g, "_"), value])),
      PATH: `${extraPath}${options.env.PATH}`,
      TF_BUILD: "True",
      ...Object.fromEntries(Object.entries(step.env ?? {}).map(([key, value]) => [key, macros(String(value), variables, options.secrets)])),
    };
    const file = join(temp, `_step_${index}.sh`);
    await writeFile(file, macros(script, variables, options.secrets));
    const run = await runBash(["--noprofile", "--norc", file], workspace, env);
    for (const match of run.stdout.matchAll(/^##vso\[task\.setvariable variable=([\w.-]+);isOutput=true\](.*)$/gm)) {
      if (step.name) outputs[`${step.name}.${match[1]}`] = match[2]!;
    }
    const outcome = run.code === 0 ? "succeeded" : "failed";
    steps.push({ name, outcome, stdout: run.stdout, stderr: run.stderr });
    if (outcome === "failed") failed = true;
  }
  return { result: failed ? "failed" : "succeeded", steps, outputs };
}

/** `$(Name)` of a defined variable replaced by its value; anything else (bash's `$(command)`) left as it is. */
function macros(text: string, variables: Record<string, string>, secrets: Record<string, string>): string {
  return text.replace(/\$\(([\w.-]+)\)/g, (whole, name: string) => variables[name] ?? secrets[name] ?? whole);
}

/** A stage's, job's or step's condition; `succeeded()` when there is none. */
export function pipelineCondition(expression: string | undefined, context: { variables: Record<string, string>; dependencies?: Record<string, PipelineJobResult>; failed: boolean }): boolean {
  if (expression === undefined) return !context.failed;
  return Boolean(evaluate(expression.trim(), context));
}

function evaluate(text: string, context: { variables: Record<string, string>; dependencies?: Record<string, PipelineJobResult>; failed: boolean }): unknown {
  const literal = /^'(.*)'$/.exec(text);
  if (literal) return literal[1];
  const variable = /^variables\['([\w.-]+)'\]$/.exec(text);
  if (variable) return context.variables[variable[1]!] ?? "";
  const output = /^dependencies\.([\w-]+)\.outputs\['([\w.-]+)'\]$/.exec(text);
  if (output) return context.dependencies?.[output[1]!]?.outputs[output[2]!] ?? "";
  const call = /^(\w+)\((.*)\)$/s.exec(text);
  if (!call) throw new Error(`expression not understood here: ${text}`);
  const args = splitArguments(call[2]!).map((argument) => evaluate(argument, context));
  switch (call[1]!.toLowerCase()) {
    case "succeeded":
      return !context.failed;
    case "failed":
      return context.failed;
    case "canceled":
      return false;
    case "always":
      return true;
    case "not":
      return !args[0];
    case "and":
      return args.every(Boolean);
    case "eq":
      return String(args[0]).toLowerCase() === String(args[1]).toLowerCase();
    default:
      throw new Error(`function not understood here: ${call[1]}`);
  }
}

/** The top-level, comma-separated arguments of a call. */
function splitArguments(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "'") quoted = !quoted;
    else if (!quoted && (char === "(" || char === "[")) depth++;
    else if (!quoted && (char === ")" || char === "]")) depth--;
    else if (!quoted && depth === 0 && char === ",") {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  return last === "" ? parts : [...parts, last];
}
