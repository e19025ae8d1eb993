import { type CliResult, flotilla } from "./flotilla-cli.js";

/** `flotilla secret <args>` in its own process, stdin piped from `input`, without the developer's age keys. */
export function secretCli(args: string[], options: { input?: string; env?: Record<string, string> } = {}): CliResult {
  const env: Record<string, string | undefined> = { ...options.env };
  if (!options.env?.SOPS_AGE_KEY_FILE) env.SOPS_AGE_KEY_FILE = undefined;
  env.SOPS_AGE_KEY = undefined;
  return flotilla(["secret", ...args], { input: options.input ?? "", env });
}
