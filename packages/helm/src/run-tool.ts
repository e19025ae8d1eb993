import { execFile } from "node:child_process";

export type ToolRun = { ok: true; stdout: string; stderr: string } | { ok: false; error: string };

/** Runs helm or kubectl: stdout and stderr, or the error lines of stderr. */
export function runTool(path: string, args: string[], env: NodeJS.ProcessEnv): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(path, args, { encoding: "utf8", env: { ...goRuntimeEnv(), ...env }, timeout: 120_000, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) resolve({ ok: false, error: errorLines(stderr || error.message) });
      else resolve({ ok: true, stdout, stderr });
    });
  });
}

/**
 * Helm and kubectl are Go programs that run for a few tens of milliseconds on a heap of ~70 MB:
 * Go's collector spends a quarter of their CPU time on it. Off, with a limit on the heap (the
 * collector runs when it nears 512 MiB), a render needs ~10 MB more memory and ~25% less CPU. The
 * output does not change; a GOGC or GOMEMLIMIT of the user's wins.
 */
function goRuntimeEnv(): NodeJS.ProcessEnv {
  return { GOGC: process.env.GOGC ?? "off", GOMEMLIMIT: process.env.GOMEMLIMIT ?? "512MiB" };
}

/** The error lines of Helm's or kubectl's stderr (Helm logs warnings as `level=INFO …`), joined in one line. */
function errorLines(stderr: string): string {
  const lines = stderr.split("\n").map((line) => line.trim()).filter((line) => line && !/^level=(INFO|WARN|DEBUG)\b/.test(line));
  return lines.slice(0, 6).join(" ") || stderr.trim();
}
