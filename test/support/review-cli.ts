import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CliResult } from "./synth-cli.js";

const dist = fileURLToPath(new URL("../../apps/fleet/dist/", import.meta.url));

function run(entry: string, args: string[], cwd: string, env: Record<string, string> = {}): CliResult {
  const main = `${dist}${entry}`;
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`pnpm build\` (pnpm test does) first`);
  const result = spawnSync(process.execPath, [main, ...args], { encoding: "utf8", cwd, env: { ...process.env, NO_COLOR: "", ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the built `pnpm diff` entry point in its own process. */
export function diffCli(cwd: string, ...args: string[]): CliResult {
  return run("diff.js", args, cwd);
}

/** Runs the built `pnpm validate` entry point in its own process. */
export function validateCli(cwd: string, ...args: string[]): CliResult {
  return run("validate.js", args, cwd);
}
