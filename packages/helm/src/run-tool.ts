import { type ChildProcess, execFile, spawn } from "node:child_process";
import pLimit from "p-limit";

export type ToolRun = { ok: true; stdout: string; stderr: string } | { ok: false; error: string };

/** A program's outcome as execFile gives it: its error (message and code, e.g. ENOENT or the exit code) when it failed, and its output. */
export interface ToolExec {
  error?: { message: string; code?: string | number };
  stdout: string;
  stderr: string;
}

/** Starts helm and kubectl: from this process (the default), or from a spawner (startToolSpawner). */
export interface ToolRunner {
  exec(path: string, args: string[], env: NodeJS.ProcessEnv): Promise<ToolExec>;
}

const EXEC_OPTIONS = { encoding: "utf8", timeout: 120_000, maxBuffer: 256 * 1024 * 1024 } as const;

/** Runs helm or kubectl: stdout and stderr, or the error lines of stderr. */
export async function runTool(path: string, args: string[], env: NodeJS.ProcessEnv, runner?: ToolRunner): Promise<ToolRun> {
  return toolRun(await execTool(path, args, env, runner));
}

/** Runs a Go tool (helm, kubectl) with Go's collector off unless the environment says otherwise (goRuntimeEnv): its outcome as execFile gives it. */
export function execTool(path: string, args: string[], env: NodeJS.ProcessEnv, runner?: ToolRunner): Promise<ToolExec> {
  return (runner ?? IN_PROCESS).exec(path, args, { ...goRuntimeEnv(), ...env });
}

const IN_PROCESS: ToolRunner = {
  exec: (path, args, env) =>
    new Promise((resolve) => {
      execFile(path, args, { ...EXEC_OPTIONS, env }, (error, stdout, stderr) => resolve({ ...(error ? { error: errorOf(error) } : {}), stdout, stderr }));
    }),
};

function errorOf(error: Error & { code?: unknown }): NonNullable<ToolExec["error"]> {
  return { message: error.message, ...(typeof error.code === "string" || typeof error.code === "number" ? { code: error.code } : {}) };
}

function toolRun(run: ToolExec): ToolRun {
  return run.error === undefined ? { ok: true, stdout: run.stdout, stderr: run.stderr } : { ok: false, error: errorLines(run.stderr || run.error.message) };
}

/**
 * Helm and kubectl are Go programs that run for a few tens of milliseconds on a heap of ~70 MB:
 * Go's collector spends a quarter of their CPU time on it. Off, with a limit on the heap (the
 * collector runs when it nears 512 MiB), a run needs ~30% less CPU and more memory at its peak
 * (helm template ~10 MB more, a cluster's kustomize run 62 → 126 MB). The output does not change;
 * a GOGC or GOMEMLIMIT of the user's wins.
 */
function goRuntimeEnv(): NodeJS.ProcessEnv {
  return { GOGC: process.env.GOGC ?? "off", GOMEMLIMIT: process.env.GOMEMLIMIT ?? "512MiB" };
}

/** The error lines of Helm's or kubectl's stderr (Helm logs warnings as `level=INFO …`), joined in one line. */
function errorLines(stderr: string): string {
  const lines = stderr.split("\n").map((line) => line.trim()).filter((line) => line && !/^level=(INFO|WARN|DEBUG)\b/.test(line));
  return lines.slice(0, 6).join(" ") || stderr.trim();
}

/**
 * What the spawner runs: each message a program to start with execFile, each answer its outcome;
 * at most `process.argv[1]` at once, the rest queued in order of arrival. The queue is here, not in
 * the process that asks: that one may be busy for seconds (parsing, checking) and could not start
 * the next program meanwhile, leaving the cores idle.
 */
const SPAWNER_SOURCE = `
const { execFile } = require("node:child_process");
const limit = Number(process.argv[1]) || 1;
const queue = [];
let running = 0;
const next = () => {
  while (running < limit && queue.length > 0) {
    const request = queue.shift();
    running += 1;
    execFile(request.path, request.args, request.options, (error, stdout, stderr) => {
      running -= 1;
      const code = error && (typeof error.code === "string" || typeof error.code === "number") ? error.code : undefined;
      process.send({ id: request.id, error: error ? { message: error.message, code } : undefined, stdout, stderr });
      next();
    });
  }
};
process.on("message", (request) => {
  queue.push(request);
  next();
});
process.on("disconnect", () => process.exit(0));
`;

interface Waiting {
  request: { path: string; args: string[]; env: NodeJS.ProcessEnv };
  resolve: (run: ToolExec) => void;
}

/**
 * A small Node process that starts the tools for this one. Starting a program forks the process
 * that starts it, and a fork costs with the size of that process: ~9 ms of CPU from a validate of
 * 300 MB, ~1 ms from a bare Node. Started on the first run; `close` ends it and waits for it, so
 * that its CPU time and its children's count for this process (`time`, the bench). When it fails,
 * what it was running and everything after runs from this process. `nodePath`: the Node to run it
 * with; default this one. `concurrency`: programs running at once (the others wait in the
 * spawner's queue, or in this process's when it failed); default 4.
 */
export function startToolSpawner(options: { nodePath?: string; concurrency?: number } = {}): ToolRunner & { close(): Promise<void> } {
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const local = pLimit(concurrency);
  const inProcess = (request: Waiting["request"]) => local(() => IN_PROCESS.exec(request.path, request.args, request.env));
  let child: ChildProcess | undefined;
  let failed = false;
  let next = 0;
  const waiting = new Map<number, Waiting>();
  const idle = () => {
    child?.unref();
    child?.channel?.unref();
  };
  const fail = () => {
    if (failed) return;
    failed = true;
    child = undefined;
    for (const { request, resolve } of waiting.values()) void inProcess(request).then(resolve);
    waiting.clear();
  };
  const start = (): ChildProcess => {
    const started = spawn(options.nodePath ?? process.execPath, ["-e", SPAWNER_SOURCE, String(concurrency)], { stdio: ["ignore", "ignore", "inherit", "ipc"], env: { PATH: process.env.PATH ?? "" } });
    started.on("message", (answer: ToolExec & { id: number }) => {
      const entry = waiting.get(answer.id);
      if (!entry) return;
      waiting.delete(answer.id);
      if (waiting.size === 0) idle();
      entry.resolve({ ...(answer.error ? { error: answer.error } : {}), stdout: answer.stdout, stderr: answer.stderr });
    });
    started.on("error", fail);
    started.on("exit", fail);
    return started;
  };
  return {
    exec(path, args, env) {
      if (failed) return inProcess({ path, args, env });
      child ??= start();
      const id = next++;
      return new Promise((resolve) => {
        waiting.set(id, { request: { path, args, env }, resolve });
        child!.ref();
        child!.channel?.ref();
        try {
          child!.send({ id, path, args, options: { ...EXEC_OPTIONS, env } });
        } catch {
          fail();
        }
      });
    },
    async close() {
      const running = child;
      if (!running) return;
      const exited = new Promise((done) => running.once("exit", done));
      running.ref(); // the wait for its exit keeps this process running
      running.disconnect();
      await exited;
    },
  };
}
