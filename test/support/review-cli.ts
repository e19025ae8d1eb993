import { type CliResult, flotilla } from "./flotilla-cli.js";

/** `flotilla diff <args>` in its own process, from `cwd`. */
export function diffCli(cwd: string, ...args: string[]): CliResult {
  return flotilla(["diff", ...args], { cwd, env: { NO_COLOR: "" } });
}

/** `flotilla validate <args>` in its own process, from `cwd`. */
export function validateCli(cwd: string, ...args: string[]): CliResult {
  return flotilla(["validate", ...args], { cwd, env: { NO_COLOR: "" } });
}
