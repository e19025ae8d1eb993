/**
 * Entry point of `pnpm secret …`. Key Vault access uses DefaultAzureCredential (az login,
 * workload identity, …), created only when a cluster or file uses Azure Key Vault.
 */
import "@flotilla/fleet/jitless";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runSecretCli } from "./cli.js";
import { readAllStdin, readHiddenLine } from "./stdin.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

process.exitCode = await runSecretCli(process.argv.slice(2), {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  repoRoot,
  stdoutIsTTY: process.stdout.isTTY === true,
  stdoutRaw: (bytes) => process.stdout.write(bytes),
  stdin: { isTTY: process.stdin.isTTY === true, readAll: readAllStdin, readHidden: readHiddenLine },
  azure: async () => {
    const { DefaultAzureCredential } = await import("@azure/identity");
    return { credential: new DefaultAzureCredential() };
  },
});
