import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const main = fileURLToPath(new URL("../../apps/fleet/dist/bundle/synth.js", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built synth CLI (the bundle `pnpm synth` runs; `pnpm test` builds first) as users do, in its own process. */
export function synthCli(...args: string[]): CliResult {
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`pnpm build\` (pnpm test does) first`);
  const result = spawnSync(process.execPath, [main, ...args], { encoding: "utf8", cwd: repoRoot });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
