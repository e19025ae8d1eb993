import { type ChildProcess, execFile, spawn } from "node:child_process";

export type ToolRun = { ok: true; stdout: string; stderr: string } | { ok: false; error: string };

/** Starts helm and kubectl: from this process (the default), or from a spawner (startToolSpawner). */
export interface ToolRunner {
  run(path: string, args: string[], env: NodeJS.ProcessEnv): Promise<ToolRun>;
}

const EXEC_OPTIONS = { encoding: "utf8", timeout: 120_000, maxBuffer: 256 * 1024 * 1024 } as const;

/** Runs helm or kubectl: stdout and stderr, or the error lines of stderr. */
export function runTool(path: string, args: string[], env: NodeJS.ProcessEnv, runner?: ToolRunner): Promise<ToolRun> {
  return (runner ?? IN_PROCESS).run(path, args, { ...goRuntimeEnv(), ...env });
}

const IN_PROCESS: ToolRunner = {
  run: (path, args, env) =>
    new Promise((resolve) => {
      execFile(path, args, { ...EXEC_OPTIONS, env }, (error, stdout, stderr) => resolve(toolRun(error?.message, stdout, stderr)));
    }),
};

function toolRun(error: string | undefined, stdout: string, stderr: string): ToolRun {
  return error === undefined ? { ok: true, stdout, stderr } : { ok: false, error: errorLines(stderr || error) };
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

/** What the spawner runs: each message a program to start with execFile, each answer its outcome. */
const SPAWNER_SOURCE = `
const { execFile } = require("node:child_process");
process.on("message", (request) => {
  execFile(request.path, request.args, request.options, (error, stdout, stderr) => {
    process.send({ id: request.id, error: error ? error.message : undefined, stdout, stderr });
  });
});
process.on("disconnect", () => process.exit(0));
`;

interface Waiting {
  request: { path: string; args: string[]; env: NodeJS.ProcessEnv };
  resolve: (run: ToolRun) => void;
}

/**
 * A small Node process that starts the tools for this one. Starting a program forks the process
 * that starts it, and a fork costs with the size of that process: ~9 ms of CPU from a validate of
 * 300 MB, ~1 ms from a bare Node. Started on the first run; `close` ends it and waits for it, so
 * that its CPU time and its children's count for this process (`time`, the bench). When it fails,
 * what it was running and everything after runs from this process. `nodePath`: the Node to run it
 * with; default this one.
 */
export function startToolSpawner(options: { nodePath?: string } = {}): ToolRunner & { close(): Promise<void> } {
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
    for (const { request, resolve } of waiting.values()) void IN_PROCESS.run(request.path, request.args, request.env).then(resolve);
    waiting.clear();
  };
  const start = (): ChildProcess => {
    const started = spawn(options.nodePath ?? process.execPath, ["-e", SPAWNER_SOURCE], { stdio: ["ignore", "ignore", "inherit", "ipc"], env: { PATH: process.env.PATH ?? "" } });
    started.on("message", (answer: { id: number; error?: string; stdout: string; stderr: string }) => {
      const entry = waiting.get(answer.id);
      if (!entry) return;
      waiting.delete(answer.id);
      if (waiting.size === 0) idle();
      entry.resolve(toolRun(answer.error, answer.stdout, answer.stderr));
    });
    started.on("error", fail);
    started.on("exit", fail);
    return started;
  };
  return {
    run(path, args, env) {
      if (failed) return IN_PROCESS.run(path, args, env);
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
