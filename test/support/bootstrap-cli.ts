/**
 * Running the bootstrap CLI in tests: in-process (runCli with an injected test credential, the
 * test server's CA and a loopback guard) or as the built program in a child process
 * (`flotilla bootstrap …`, DefaultAzureCredential, test hooks only).
 */
import type { ChildProcess } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { COMMAND_HINTS } from "../../apps/fleet/src/cli/command-hints.js";
import { runCli } from "../../apps/bootstrap/src/cli.js";
import type { CliEnvironment } from "../../apps/bootstrap/src/command-context.js";
import { fakeCredential, loopbackOnlyPolicy, type ArmServer } from "./arm-server/index.js";
import { FAST_RETRY } from "./bootstrap-harness.js";
import { flotillaAsync } from "./flotilla-cli.js";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The server's CA in a file, for `--ca`. */
export async function caFile(server: ArmServer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "flotilla-ca-"));
  const file = join(dir, "ca.pem");
  await writeFile(file, server.caCertPem);
  return file;
}

export interface InProcessOptions {
  server?: ArmServer;
  env?: Record<string, string | undefined>;
  interactive?: boolean;
  confirm?: (question: string) => Promise<boolean>;
  abortSignal?: AbortSignal;
  sdkRetry?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
  lockWaitMs?: number;
  /** Instead of the fake credential that always signs in. */
  credential?: CliEnvironment["credential"];
}

/** runCli in this process; with `server`, FLOTILLA_ARM_ENDPOINT and `--ca` point at it. */
export async function bootstrapInProcess(args: string[], options: InProcessOptions = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const env: Record<string, string | undefined> = { ...options.env };
  const extra: string[] = [];
  if (options.server) {
    env.FLOTILLA_ARM_ENDPOINT = options.server.url;
    extra.push("--ca", await caFile(options.server));
  }
  const environment: CliEnvironment = {
    commands: COMMAND_HINTS,
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    env,
    repoRoot,
    interactive: options.interactive ?? false,
    confirm: options.confirm ?? (async () => false),
    abortSignal: options.abortSignal,
    credential: options.credential ?? fakeCredential(),
    tuning: {
      sdkRetry: { maxRetries: 4, retryDelayInMs: 20, maxRetryDelayInMs: 200, ...options.sdkRetry },
      requestTimeoutMs: 10_000,
      additionalPolicies: [loopbackOnlyPolicy()],
      ...FAST_RETRY,
      ...(options.lockWaitMs !== undefined ? { lockWaitMs: options.lockWaitMs } : {}),
    },
  };
  const needsServer = args[0] === "apply" || (args[0] === "plan" && !args.includes("--offline"));
  const code = await runCli([...args, ...(options.server && needsServer ? extra : [])], environment);
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

/** `flotilla bootstrap <args>` in a child process (asynchronously, so a server in this process keeps answering), with exactly `env`. */
export function bootstrapProcess(args: string[], env: Record<string, string>, onSpawn?: (child: ChildProcess) => void): Promise<CliRun> {
  const unset = Object.fromEntries(Object.keys(process.env).filter((key) => !(key in env)).map((key) => [key, undefined]));
  return flotillaAsync(["bootstrap", ...args], { env: { ...unset, ...env }, ...(onSpawn ? { onSpawn } : {}) });
}

/**
 * A directory with a fake `az` that answers `az account get-access-token` like Azure CLI 2.54+
 * (accessToken, expiresOn, expires_on) and appends its arguments to `az.log`.
 */
export async function fakeAzureCli(token: string): Promise<{ binDir: string; log: string }> {
  const binDir = await mkdtemp(join(tmpdir(), "flotilla-fake-az-"));
  const log = join(binDir, "az.log");
  const expiresOn = Math.floor(Date.now() / 1000) + 3600;
  const json = JSON.stringify({
    accessToken: token,
    expiresOn: new Date(expiresOn * 1000).toISOString().replace("T", " ").replace(/\..*$/, ".000000"),
    expires_on: expiresOn,
    subscription: "00000000-0000-4000-8000-000000000001",
    tenant: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    tokenType: "Bearer",
  });
  await writeFile(join(binDir, "az"), `#!/bin/sh\necho "$@" >> '${log}'\ncat <<'EOF'\n${json}\nEOF\n`, { mode: 0o755 });
  return { binDir, log };
}
