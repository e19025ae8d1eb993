/**
 * Entry point of `pnpm bootstrap plan|apply`. Always authenticates with DefaultAzureCredential
 * (no credential is injected here). Ctrl-C once: no new write starts, writes in flight finish,
 * the summary is printed (re-running apply converges); twice: exit at once.
 */
import "@flotilla/fleet/jitless";
import { setMaxListeners } from "node:events";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { fileURLToPath } from "node:url";
import { runCli } from "./cli.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const interrupt = new AbortController();
// Every request in flight listens to this one process-wide signal (one listener each, removed when
// it settles); a fleet with many identities has more than Node's default of 10 at once.
setMaxListeners(0, interrupt.signal);

process.on("SIGINT", () => {
  if (interrupt.signal.aborted) process.exit(130);
  process.stderr.write("\nInterrupted: finishing the writes in flight, starting no new ones (Ctrl-C again to stop at once).\n");
  interrupt.abort(new Error("interrupted"));
});

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  repoRoot,
  interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
  confirm,
  abortSignal: interrupt.signal,
});
