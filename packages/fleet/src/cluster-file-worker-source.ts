/**
 * The code of the worker that imports cluster files, run with `eval` (so it needs no file of its
 * own wherever this package is loaded from, bundled or under a test runner, and no transform
 * touches it). It receives the modules ({ file, code }[]) in one message, imports each from a
 * data: URL and posts (WorkerMessage) its default export, noting the handles (timers, sockets,
 * servers) an import left running. `process.exit` in a module becomes an error its import fails
 * with. Errors are located in the sources through the bundle's inline source map.
 */
export const WORKER_SOURCE = String.raw`
const { parentPort } = process.getBuiltinModule("node:worker_threads");
const { SourceMap } = process.getBuiltinModule("node:module");
// Handles that keep a process alive once started (the file reads of an import are not among them).
const LIVE = new Set(["Timeout", "Immediate", "TCPWrap", "TCPSocketWrap", "TCPServerWrap", "UDPWrap", "PipeServerWrap", "ProcessWrap", "FSEventWrap", "StatWatcher", "SignalWrap"]);
const counts = () => {
  const byType = new Map();
  for (const type of process.getActiveResourcesInfo()) if (LIVE.has(type)) byType.set(type, (byType.get(type) ?? 0) + 1);
  return byType;
};
class ExitCalled extends Error {}
process.exit = (code) => {
  throw new ExitCalled("called process.exit(" + (code ?? "") + ")");
};
const describe = (error, code) => {
  if (!(error instanceof Error)) return String(error);
  const frame = /data:text\/javascript[^:]*:(\d+):(\d+)/.exec(error.stack ?? "");
  const map = /\/\/# sourceMappingURL=data:application\/json;base64,(\S+)\s*$/.exec(code);
  if (!frame || !map) return error.message;
  try {
    const entry = new SourceMap(JSON.parse(Buffer.from(map[1], "base64").toString("utf8"))).findEntry(Number(frame[1]) - 1, Number(frame[2]) - 1);
    return "originalSource" in entry ? error.message + " (at " + entry.originalSource + ":" + (entry.originalLine + 1) + ":" + (entry.originalColumn + 1) + ")" : error.message;
  } catch {
    return error.message;
  }
};
const MUST = "a cluster file must only compute and export its definition";
parentPort.once("message", async (modules) => {
  for (let index = 0; index < modules.length; index++) {
    parentPort.postMessage({ kind: "start", index });
    const before = counts();
    const code = modules[index].code;
    let exported;
    try {
      const namespace = await import("data:text/javascript;base64," + Buffer.from(code).toString("base64"));
      exported = namespace.default;
    } catch (error) {
      const message = error instanceof ExitCalled ? error.message + " while being imported; " + MUST : "could not be imported: " + describe(error, code);
      parentPort.postMessage({ kind: "failed", index, message });
      continue;
    }
    const leftRunning = [...counts()].filter(([type, count]) => count > (before.get(type) ?? 0)).map(([type]) => type);
    try {
      parentPort.postMessage({ kind: "done", index, exported, leftRunning });
    } catch (error) {
      parentPort.postMessage({ kind: "failed", index, message: "its default export is not plain data (" + describe(error, code) + "); export the definition as an object literal: export default defineCluster({ ... })" });
    }
  }
  parentPort.postMessage({ kind: "finished" });
});
`;
