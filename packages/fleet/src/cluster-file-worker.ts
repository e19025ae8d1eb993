import { Worker } from "node:worker_threads";
import { WORKER_SOURCE } from "./cluster-file-worker-source.js";

/** A module to import: the file it came from and its bundled code. */
export interface ModuleToImport {
  file: string;
  code: string;
}

export type ImportResult = { ok: true; exported: unknown } | { ok: false; message: string };

/** What the worker posts (see cluster-file-worker-source.ts). */
export type WorkerMessage =
  | { kind: "start"; index: number }
  | { kind: "done"; index: number; exported: unknown; leftRunning: string[] }
  | { kind: "failed"; index: number; message: string }
  | { kind: "finished" };

/**
 * Imports the modules in worker threads, in order: a module whose import has not settled within
 * `timeoutMs`, that calls `process.exit` or whose import leaves a handle running fails, naming
 * itself; the worker is then ended and a new one imports the rest. The process itself can
 * neither be ended nor kept alive by a module. A module's console output goes to stderr.
 */
export async function importInWorkers(pending: Promise<readonly ModuleToImport[]>, timeoutMs: number): Promise<ImportResult[]> {
  // The first worker starts while the modules are still being compiled.
  let worker: StartedWorker | undefined = startWorker();
  const modules = await pending;
  const results: (ImportResult | undefined)[] = new Array<ImportResult | undefined>(modules.length);
  let next = 0;
  while (next < modules.length) {
    next = await runWorker(worker ?? startWorker(), modules, next, timeoutMs, results);
    worker = undefined;
  }
  if (worker !== undefined) void worker.worker.terminate();
  return results.map((result) => result ?? { ok: false, message: "was not imported (the worker importing it stopped)" });
}

interface StartedWorker {
  worker: Worker;
  /** Set when the worker ended before it was given work (a failure of this code, not of a module). */
  ended?: string;
}

function startWorker(): StartedWorker {
  const worker = new Worker(WORKER_SOURCE, { eval: true, stdout: true });
  worker.stdout.pipe(process.stderr);
  const started: StartedWorker = { worker };
  worker.on("error", (error) => (started.ended ??= error.message));
  worker.on("exit", (code) => (started.ended ??= `exit code ${code}`));
  return started;
}

function runWorker({ worker, ended }: StartedWorker, modules: readonly ModuleToImport[], from: number, timeoutMs: number, results: (ImportResult | undefined)[]): Promise<number> {
  return new Promise((resolve) => {
    if (ended !== undefined) {
      results[from] = { ok: false, message: `could not be imported: the importing worker failed (${ended})` };
      return resolve(from + 1);
    }
    worker.postMessage(modules.slice(from));
    let current = -1;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (nextIndex: number) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(nextIndex);
    };
    const fail = (index: number, message: string) => {
      results[index] = { ok: false, message };
      finish(index + 1);
    };
    worker.on("message", (message: WorkerMessage) => {
      if (message.kind === "finished") return finish(modules.length);
      const index = from + message.index;
      clearTimeout(timer);
      if (message.kind === "start") {
        current = index;
        timer = setTimeout(
          () => fail(index, `did not finish importing within ${timeoutMs / 1000} s (a top-level await that never settles, or a loop that never ends?); a cluster file must only compute and export its definition`),
          timeoutMs,
        );
      } else if (message.kind === "failed") {
        results[index] = { ok: false, message: message.message };
      } else if (message.leftRunning.length > 0) {
        results[index] = {
          ok: false,
          message: `left ${message.leftRunning.join(", ")} running after it was imported; a cluster file must only compute and export its definition (no timers, servers or connections)`,
        };
      } else {
        results[index] = { ok: true, exported: message.exported };
      }
    });
    const blame = () => Math.max(current, from);
    worker.on("error", (error) => fail(blame(), `threw outside its import (from a timer or callback): ${error instanceof Error ? error.message : String(error)}`));
    // The worker ran out of work with an import still pending: Node itself would exit with code 13.
    worker.on("exit", () => {
      if (!settled) fail(blame(), "never finished importing: a top-level await waits on a promise that nothing settles; a cluster file must only compute and export its definition");
    });
  });
}
