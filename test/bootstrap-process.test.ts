/**
 * The BUILT bootstrap CLI (`flotilla bootstrap`) in a child process, on the example
 * fleet, exactly as users run it: DefaultAzureCredential with AZURE_TOKEN_CREDENTIALS=dev (developer
 * credentials only, so no managed-identity probe) and a fake `az` first on PATH as the only token
 * source, against the local ARM server through the test hooks. Every child runs with a preload that
 * refuses and records any non-loopback connection (test/support/loopback-only.mjs).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseIdentityOutputs, type IdentityPlan } from "@flotilla/workload-identity";
import { apply } from "../apps/bootstrap/src/bootstrap.js";
import { COMMAND_HINTS } from "../apps/fleet/src/cli/command-hints.js";
import { loadFleetPlan } from "../apps/bootstrap/src/fleet-plan.js";
import type { ArmServer } from "./support/arm-server/index.js";
import { bootstrapProcess, caFile, fakeAzureCli, repoRoot } from "./support/bootstrap-cli.js";
import { flotillaMain } from "./support/flotilla-cli.js";
import { FAST_RETRY, isWrite, normalisedState, sessionFor, startServerFor } from "./support/bootstrap-harness.js";

const TOKEN = "flotilla-test-token-7Qm2pX9vLr4sK8dW";
const preload = fileURLToPath(new URL("./support/loopback-only.mjs", import.meta.url));
const exampleClusters = join(repoRoot, "apps/fleet/src/clusters");

let plan: IdentityPlan;
beforeAll(async () => {
  if (!existsSync(exampleClusters)) throw new Error(`${exampleClusters} is missing: run \`pnpm build\` (pnpm test does) first`);
  const loaded = await loadFleetPlan({ modulesDir: exampleClusters, displayName: (f) => f }, [], COMMAND_HINTS);
  if (!loaded.ok) throw new Error(loaded.message);
  plan = loaded.plan;
});

const servers: ArmServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** The example fleet's subscriptions and resource groups; only the fake az's token is accepted. */
async function exampleServer(options: Parameters<typeof startServerFor>[1] = {}): Promise<ArmServer> {
  const server = await startServerFor(plan, { acceptToken: (token) => token === TOKEN, ...options });
  servers.push(server);
  return server;
}

/** The end state of an uninterrupted apply (in-process, test credential). */
async function referenceState() {
  const reference = await startServerFor(plan);
  servers.push(reference);
  await apply(plan, sessionFor(reference), { prune: false, ...FAST_RETRY });
  return normalisedState(reference);
}

/** A child environment: nothing inherited but what is set here. */
async function childEnv(server?: ArmServer) {
  const az = await fakeAzureCli(TOKEN);
  const home = await mkdtemp(join(tmpdir(), "flotilla-home-"));
  const netLog = join(home, "non-loopback.log");
  const env: Record<string, string> = {
    PATH: `${az.binDir}:${dirname(process.execPath)}:/usr/bin:/bin`,
    HOME: home,
    AZURE_TOKEN_CREDENTIALS: "dev",
    NODE_OPTIONS: `--import ${preload}`,
    FLOTILLA_TEST_NET_LOG: netLog,
  };
  if (server) env.FLOTILLA_ARM_ENDPOINT = server.url;
  const outputs = await mkdtemp(join(tmpdir(), "flotilla-outputs-"));
  // Not a terminal (stdin is /dev/null): apply needs --yes.
  const args = server ? ["--ca", await caFile(server), "--outputs-dir", outputs, "--yes"] : [];
  return { env, az, netLog, outputs, args };
}

const summary = (stdout: string) => {
  const m = /^Apply \w[\w ]*: (\d+) created, (\d+) updated, (\d+) unchanged, (\d+) deleted, (\d+) failed; (\d+) ARM requests \((\d+) reads, (\d+) writes\); ([\d.]+) s\.$/m.exec(stdout);
  if (!m) throw new Error(`no summary line in:\n${stdout}`);
  const [created, updated, unchanged, deleted, failed, requests, reads, writes, seconds] = m.slice(1).map(Number);
  return { created, updated, unchanged, deleted, failed, requests, reads, writes, seconds };
};

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("the built CLI", () => {
  it("plan --offline needs no credentials, no server and no network", async () => {
    const { env, az, netLog } = await childEnv();
    const run = await bootstrapProcess(["plan", "--offline"], env);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("identity              id-dev-analytics (key analytics, resource group rg-ml-dev, westeurope)");
    expect(run.stdout).toMatch(/^Desired: \d+ role definition\(s\), \d+ identities, \d+ federated credential\(s\), \d+ role assignment\(s\) in 2 cluster\(s\)\.$/m);
    expect(existsSync(az.log)).toBe(false);
    expect(existsSync(netLog)).toBe(false);
  });

  it("apply authenticates with DefaultAzureCredential (fake az), stays on loopback, never prints the token; a re-run writes nothing", async () => {
    const server = await exampleServer();
    const { env, az, netLog, outputs, args } = await childEnv(server);
    const resources = plan.clusters.reduce(
      (n, c) => n + c.roleDefinitions.length + c.identities.reduce((m, i) => m + 1 + i.federatedCredentials.length + i.roleAssignments.length, 0),
      0,
    );

    const first = await bootstrapProcess(["apply", ...args], env);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const s1 = summary(first.stdout);
    expect(s1).toMatchObject({ created: resources, updated: 0, unchanged: 0, deleted: 0, failed: 0 });
    expect(server.requests.filter((r) => r.status === 401)).toEqual([]);
    expect(`${first.stdout}${first.stderr}`).not.toContain(TOKEN);
    expect(await readFile(az.log, "utf8")).toMatch(/^account get-access-token --output json --resource https:\/\/management\.azure\.com$/m);
    expect(existsSync(netLog)).toBe(false);
    expect((await readdir(outputs)).sort()).toEqual(["dev.json", "prod.json"]);
    for (const cluster of ["dev", "prod"]) {
      const file = join(outputs, `${cluster}.json`);
      const parsed = parseIdentityOutputs(await readFile(file, "utf8"), file);
      expect(parsed.ok).toBe(true);
      if (parsed.ok) {
        for (const [key, ids] of Object.entries(parsed.outputs.identities)) {
          const planned = plan.clusters.find((c) => c.cluster === cluster)!.identities.find((i) => i.key === key)!;
          const onServer = server.state.getIdentity(planned.resourceGroup, planned.name, plan.clusters.find((c) => c.cluster === cluster)!.subscriptionId)!;
          expect(ids).toEqual({ clientId: onServer.clientId, principalId: onServer.principalId, resourceId: planned.resourceId });
        }
      }
    }

    server.resetRequests();
    const second = await bootstrapProcess(["apply", ...args], env);
    expect(second.code).toBe(0);
    const s2 = summary(second.stdout);
    expect(s2).toMatchObject({ created: 0, unchanged: resources, failed: 0, writes: 0 });
    expect(server.requests.filter(isWrite)).toEqual([]);
    expect(second.stdout).not.toContain(TOKEN);
    expect(existsSync(netLog)).toBe(false);

    console.log(
      `[measure] example fleet (${plan.clusters.length} clusters, ${resources} resources), built CLI with DefaultAzureCredential + fake az:\n` +
        `  first apply : ${s1.requests} ARM requests (${s1.reads} reads, ${s1.writes} writes), ${s1.seconds} s (summary), principal replication delay 200 ms\n` +
        `  no-op re-run: ${s2.requests} ARM requests (${s2.reads} reads, ${s2.writes} writes), ${s2.seconds} s (summary)`,
    );
  });

  it("plan --json pipes into a JSON parser; apply off a terminal without --yes exits 2; plan --out then `apply <file>` makes exactly that plan", async () => {
    const server = await exampleServer();
    const { env, netLog, outputs } = await childEnv(server);
    const ca = ["--ca", await caFile(server)];
    const json = await bootstrapProcess(["plan", "--json", ...ca], env);
    expect(json.code).toBe(0);
    const document = JSON.parse(json.stdout);
    expect(document.summary.create).toBeGreaterThan(0);
    expect(document.clusters.map((c: { cluster: string }) => c.cluster)).toEqual(["dev", "prod"]);

    const unconfirmed = await bootstrapProcess(["apply", ...ca, "--outputs-dir", outputs], env);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/^bootstrap: refusing to make \d+ change\(s\) in Azure without confirmation: not a terminal; re-run with --yes/m);
    expect(server.requests.filter(isWrite)).toEqual([]);

    const planFile = join(outputs, "..", `plan-${Date.now()}.json`);
    const saved = await bootstrapProcess(["plan", "--out", planFile, ...ca], env);
    expect(saved.code).toBe(0);
    const applied = await bootstrapProcess(["apply", planFile, ...ca, "--outputs-dir", outputs], env);
    await rm(planFile, { force: true });
    expect(applied.stderr).toBe("");
    expect(applied.code).toBe(0);
    expect(summary(applied.stdout)).toMatchObject({ created: document.summary.create, failed: 0 });
    expect((await readdir(outputs)).sort()).toEqual(["dev.json", "prod.json"]);
    expect((await bootstrapProcess(["plan", "--exit-code", ...ca], env)).code).toBe(0);
    expect(existsSync(netLog)).toBe(false);
  });

  it("an apply killed (SIGKILL) mid-way converges on re-run to the end state of an uninterrupted apply", async () => {
    const reference = await referenceState();

    const server = await exampleServer({ ficWriteLockMs: 150 });
    const { env, netLog, outputs, args } = await childEnv(server);
    let child: ChildProcess | undefined;
    const killed = bootstrapProcess(["apply", ...args], env, (c) => (child = c));
    await waitFor(() => server.requests.filter((r) => isWrite(r) && r.status >= 200 && r.status < 300).length >= 4, 20_000);
    child!.kill("SIGKILL");
    const run = await killed;
    expect(run.code).toBeNull();
    expect(normalisedState(server)).not.toEqual(reference);
    expect(await readdir(outputs)).toEqual([]); // never half-written: nothing at all yet

    const resumed = await bootstrapProcess(["apply", ...args], env);
    expect(resumed.code).toBe(0);
    expect(summary(resumed.stdout).failed).toBe(0);
    expect(normalisedState(server)).toEqual(reference);
    expect((await readdir(outputs)).sort()).toEqual(["dev.json", "prod.json"]);
    expect(existsSync(netLog)).toBe(false);
  });

  it("Ctrl-C (SIGINT) stops starting writes, prints the summary, exits 1; a re-run converges", async () => {
    const reference = await referenceState();

    const server = await exampleServer({ ficWriteLockMs: 150 });
    const { env, outputs, args } = await childEnv(server);
    let child: ChildProcess | undefined;
    const interrupted = bootstrapProcess(["apply", ...args], env, (c) => (child = c));
    await waitFor(() => server.requests.filter((r) => isWrite(r) && r.status >= 200 && r.status < 300).length >= 3, 20_000);
    child!.kill("SIGINT");
    const run = await interrupted;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Interrupted: finishing the writes in flight, starting no new ones");
    expect(run.stdout).toMatch(/^Apply interrupted: \d+ created, .* failed; \d+ ARM requests/m);
    expect(run.stdout).toMatch(/^ {2}! skipped .*\[interrupted before this write started\]$/m);
    expect(run.stderr).toMatch(/Identity outputs of cluster \w+ not written \(apply was interrupted\)/);
    expect(await readdir(outputs)).toEqual([]);
    const writesAtExit = server.requests.filter(isWrite).length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.requests.filter(isWrite)).toHaveLength(writesAtExit);

    const resumed = await bootstrapProcess(["apply", ...args], env);
    expect(resumed.code).toBe(0);
    expect(normalisedState(server)).toEqual(reference);
  });
});

describe("the built CLI on a terminal", () => {
  /**
   * `flotilla bootstrap apply > <file>` under a real pseudo-terminal (util-linux `script`): stdin
   * and stderr are the terminal, stdout the file. Answers `answer` once the question appears.
   */
  async function applyOnTerminal(answer: string, args: string[], env: Record<string, string>, stdoutFile: string) {
    const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
    const command = [process.execPath, flotillaMain, "bootstrap", "apply", ...args].map(quote).join(" ");
    const child = spawn("script", ["-q", "-e", "-c", `${command} > ${quote(stdoutFile)}`, "/dev/null"], {
      env: { ...env, SHELL: "/bin/sh", TERM: "dumb" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let terminal = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      terminal += chunk;
      if (terminal.includes("[y/N]") && child.stdin.writable && !child.stdin.writableEnded) child.stdin.end(`${answer}\n`);
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    return { code, terminal, stdout: await readFile(stdoutFile, "utf8") };
  }

  it("apply asks on the terminal through stderr; stdout (redirected) carries the plan and results, never the question", async () => {
    const server = await exampleServer();
    const { env, outputs } = await childEnv(server);
    const args = ["--ca", await caFile(server), "--outputs-dir", outputs];
    const stdoutFile = join(outputs, "..", `apply-stdout-${Date.now()}.txt`);
    try {
      const declined = await applyOnTerminal("n", args, env, stdoutFile);
      expect(declined.code).toBe(1);
      expect(declined.terminal).toMatch(/Make these \d+ change\(s\) in Azure\? \[y\/N\] /);
      expect(declined.terminal).toContain("Apply cancelled; nothing was changed.");
      expect(declined.stdout).toMatch(/^Plan: \d+ to create/m);
      expect(declined.stdout).not.toContain("[y/N]");
      expect(server.requests.filter(isWrite)).toEqual([]);

      const accepted = await applyOnTerminal("y", args, env, stdoutFile);
      expect(accepted.code).toBe(0);
      expect(accepted.terminal).toContain("[y/N]");
      expect(accepted.stdout).not.toContain("[y/N]");
      expect(summary(accepted.stdout)).toMatchObject({ failed: 0 });
      expect((await readdir(outputs)).sort()).toEqual(["dev.json", "prod.json"]);
    } finally {
      await rm(stdoutFile, { force: true });
    }
  });
});
