/**
 * `flotilla bootstrap plan|apply` in this process. Always authenticates with DefaultAzureCredential
 * (no credential is injected here). Ctrl-C once: no new write starts, writes in flight finish,
 * the summary is printed (re-running apply converges); twice: exit at once.
 */
import { setMaxListeners } from "node:events";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { fileURLToPath } from "node:url";
import type { CommandHints } from "@flotilla/fleet";
import { runCli } from "./cli.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** Asks on stderr, so stdout carries only the plan and the results (`apply > log` still asks). */
async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/** Runs `bootstrap <argv>` on this process's streams and terminal; returns the exit code. */
export async function main(argv: readonly string[], commands: CommandHints): Promise<number> {
  const interrupt = new AbortController();
  // Every request in flight listens to this one process-wide signal (one listener each, removed when
  // it settles); a fleet with many identities has more than Node's default of 10 at once.
  setMaxListeners(0, interrupt.signal);
  process.on("SIGINT", () => {
    if (interrupt.signal.aborted) process.exit(130);
    process.stderr.write("\nInterrupted: finishing the writes in flight, starting no new ones (Ctrl-C again to stop at once).\n");
    interrupt.abort(new Error("interrupted"));
  });
  return runCli(argv, {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    repoRoot,
    commands,
    interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
    confirm,
    abortSignal: interrupt.signal,
  });
}
