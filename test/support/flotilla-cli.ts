import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The built `flotilla` command (the bundle `pnpm <command>` runs; `pnpm test` builds first). */
export const flotillaMain = fileURLToPath(new URL("../../apps/fleet/dist/bundle/flotilla.js", import.meta.url));
export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
}

function built(): string {
  if (!existsSync(flotillaMain)) throw new Error(`${flotillaMain} is missing: run \`pnpm build\` (pnpm test does) first`);
  return flotillaMain;
}

/** `flotilla <args>` in its own process, as a user types it (cwd: the repository root unless told). */
export function flotilla(args: readonly string[], options: CliOptions = {}): CliResult {
  const result = spawnSync(process.execPath, [built(), ...args], {
    encoding: "utf8",
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    input: options.input ?? "",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `flotilla <args>` asynchronously (a server in this process keeps answering while it runs). */
export function flotillaAsync(args: readonly string[], options: CliOptions & { onSpawn?: (child: import("node:child_process").ChildProcess) => void } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [built(), ...args], { cwd: options.cwd ?? repoRoot, env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    options.onSpawn?.(child);
  });
}
