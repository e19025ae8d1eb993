/**
 * `flotilla secret …` in this process. Key Vault access uses DefaultAzureCredential (az login,
 * workload identity, …), created only when a cluster or file uses Azure Key Vault.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { CommandHints } from "@flotilla/fleet";
import { runSecretCli } from "./cli.js";
import { readAllStdin, readHiddenLine } from "./stdin.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** Runs `secret <argv>` on this process's streams; returns the exit code. */
export function main(argv: string[], commands: CommandHints): Promise<number> {
  return runSecretCli(argv, {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    repoRoot,
    commands,
    stdoutIsTTY: process.stdout.isTTY === true,
    stdoutRaw: (bytes) => process.stdout.write(bytes),
    stdin: { isTTY: process.stdin.isTTY === true, readAll: readAllStdin, readHidden: readHiddenLine },
    azure: async () => {
      const { DefaultAzureCredential } = await import("@azure/identity");
      return { credential: new DefaultAzureCredential() };
    },
  });
}
