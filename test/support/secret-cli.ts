import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CliResult } from "./synth-cli.js";

const main = fileURLToPath(new URL("../../apps/secrets/dist/main.js", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Runs the built `secret` CLI (`pnpm test` builds first) in its own process, stdin piped from `input`. */
export function secretCli(args: string[], options: { input?: string; env?: Record<string, string> } = {}): CliResult {
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`pnpm build\` (pnpm test does) first`);
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  if (!options.env?.SOPS_AGE_KEY_FILE) delete env.SOPS_AGE_KEY_FILE;
  delete env.SOPS_AGE_KEY;
  const result = spawnSync(process.execPath, [main, ...args], { encoding: "utf8", cwd: repoRoot, input: options.input ?? "", env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
