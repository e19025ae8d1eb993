/**
 * A fleet repository with a pull request open, for running the CI templates (test/ci-template-*-run):
 * a bare `origin` whose main is the example fleet with its identities created in the local ARM
 * server and rendered, and a branch `add-identity` that adds the identity "batch" to dev,
 * synthesised (pending) and pushed, as its author would. `install` stands in for
 * `pnpm install --frozen-lockfile` in each job's workspace.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadFleet } from "@flotilla/fleet";
import { resolveHelm, resolveKubectl } from "@flotilla/helm";
import { PLATFORMS } from "@flotilla/platforms";
import { planIdentities } from "@flotilla/workload-identity";
import type { ArmServer } from "./arm-server/index.js";
import { caFile, fakeAzureCli } from "./bootstrap-cli.js";
import { startServerFor } from "./bootstrap-harness.js";
import { repoRoot } from "./flotilla-cli.js";
import { runBash } from "./run-script.js";

const TOKEN = "flotilla-ci-template-token-7Hq2";
const cacheDir = join(repoRoot, "node_modules/.cache/flotilla");

export function git(cwd: string, ...args: string[]): string {
  const result = spawnSync("git", ["-c", "user.name=author", "-c", "user.email=author@example.com", ...args], { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

/** The files Git tracks in this checkout, as they are in its working tree. */
async function copyTracked(to: string): Promise<void> {
  const files = git(repoRoot, "ls-files", "-z").split("\0").filter((file) => file !== "" && existsSync(join(repoRoot, file)));
  for (const file of files) {
    await mkdir(dirname(join(to, file)), { recursive: true });
    await cp(join(repoRoot, file), join(to, file));
  }
}

/**
 * Stands in for `pnpm install --frozen-lockfile` (which downloads and builds for minutes): links
 * this checkout's installed modules and copies its build, so the workspace runs the same flotilla.
 * Its cache directory starts empty, as on a fresh runner, but for the extracted helm and kubectl.
 */
export async function install(workspace: string): Promise<void> {
  // Linked, node_modules are symlinks, which .gitignore's `node_modules/` (directories) does not match.
  await writeFile(join(workspace, ".git/info/exclude"), "node_modules\n", { flag: "a" });
  // pnpm's links are relative: copied as they are, a workspace package (@flotilla/app-bootstrap)
  // resolves to the workspace's own copy, and the rest to node_modules/.pnpm, linked to this checkout's.
  await mkdir(join(workspace, "node_modules/.cache/flotilla"), { recursive: true });
  for (const entry of await readdir(join(repoRoot, "node_modules"), { withFileTypes: true })) {
    const from = join(repoRoot, "node_modules", entry.name);
    if (entry.name === ".cache") continue;
    await symlink(entry.isSymbolicLink() ? await readlink(from) : from, join(workspace, "node_modules", entry.name));
  }
  await symlink(join(cacheDir, "tools"), join(workspace, "node_modules/.cache/flotilla/tools"));
  for (const group of ["apps", "packages"]) {
    for (const name of await readdir(join(repoRoot, group))) {
      const from = join(repoRoot, group, name);
      if (existsSync(join(from, "node_modules"))) await cp(join(from, "node_modules"), join(workspace, group, name, "node_modules"), { recursive: true, verbatimSymlinks: true });
      if (existsSync(join(from, "dist"))) await cp(join(from, "dist"), join(workspace, group, name, "dist"), { recursive: true });
    }
  }
}

/** The example fleet's identity plan, from its TypeScript sources: the resource groups the ARM server must have. */
async function examplePlan() {
  const dir = join(repoRoot, "apps/fleet/src/clusters");
  const modules = [];
  for (const name of (await readdir(dir)).filter((file) => file.endsWith(".ts")).sort()) {
    modules.push({ file: `apps/fleet/src/clusters/${name}`, exported: ((await import(pathToFileURL(join(dir, name)).href)) as { default: unknown }).default });
  }
  const fleet = loadFleet(modules, PLATFORMS);
  if (!fleet.ok) throw new Error(JSON.stringify(fleet.problems));
  return planIdentities(fleet.clusters.map((cluster) => cluster.spec), PLATFORMS).plan;
}

const NEW_IDENTITY = `  identities: [
    {
      name: "batch",
      serviceAccounts: [{ namespace: "analytics-dev", name: "batch-runner" }],
      roles: [{ role: "Storage Blob Data Reader", scope: { storageContainer: { account: "stmldevanalytics", container: "analytics" } } }],
    },
`;

export interface PullRequestRepo {
  /** The bare repository every job clones and pushes to. */
  origin: string;
  server: ArmServer;
  /** The fake `az` (signed in, handing out the server's token) for PATH. */
  azBin: string;
  /** The environment of every job: PATH (node, pnpm, git, jq, and `bin`), HOME, and the test hooks that point the built CLI at the server. */
  env: Record<string, string>;
  /** Where connections that tried to leave loopback are logged. */
  netLog: string;
  close(): Promise<void>;
}

/** The repository and the server, under `work`; `bin` goes first on the jobs' PATH. */
export async function pullRequestRepo(work: string, bin: string, home: string): Promise<PullRequestRepo> {
  // Helm and kubectl extracted once, into this checkout's cache (each workspace links them).
  await resolveHelm({ cacheDir });
  await resolveKubectl({ cacheDir });
  const server = await startServerFor(await examplePlan(), { acceptToken: (token) => token === TOKEN });
  const az = await fakeAzureCli(TOKEN);
  const ca = await caFile(server);
  const close = async () => {
    await server.close();
    await Promise.all([az.binDir, dirname(ca)].map((dir) => rm(dir, { recursive: true, force: true })));
  };
  try {
    const pnpm = spawnSync("sh", ["-c", "command -v pnpm"], { encoding: "utf8" }).stdout.trim();
    const netLog = join(work, "net.log");
    const env: Record<string, string> = {
      PATH: `${bin}:${dirname(process.execPath)}:${dirname(pnpm)}:/usr/local/bin:/usr/bin:/bin`,
      HOME: home,
      TMPDIR: process.env.TMPDIR ?? "/tmp",
      npm_config_update_notifier: "false",
      // The test hooks that point the built CLI at the local ARM server; nothing may leave loopback.
      FLOTILLA_ARM_ENDPOINT: server.url,
      NODE_EXTRA_CA_CERTS: ca,
      NODE_OPTIONS: `--import ${pathToFileURL(join(repoRoot, "test/support/loopback-only.mjs")).href}`,
      FLOTILLA_TEST_NET_LOG: netLog,
    };
    // Asynchronously: the ARM server in this process must keep answering.
    const sh = async (cwd: string, command: string) => {
      const run = await runBash(["-ec", command], cwd, { ...env, PATH: `${az.binDir}:${env.PATH}` });
      if (run.code !== 0) throw new Error(`${command}: ${run.stderr}`);
    };

    // main: the example fleet, its identities created in Azure (the local server) and rendered.
    const origin = join(work, "origin.git");
    git(work, "init", "-q", "--bare", "-b", "main", origin);
    const seed = join(work, "seed");
    await copyTracked(seed);
    git(seed, "init", "-q", "-b", "main");
    await install(seed);
    await sh(seed, "AZURE_TOKEN_CREDENTIALS=dev pnpm -s bootstrap apply --yes >/dev/null && pnpm -s synth >/dev/null");
    git(seed, "add", "-A");
    git(seed, "commit", "-q", "-m", "main");
    git(seed, "push", "-q", origin, "main");

    // The author's pull request: the identity added, synthesised (pending), pushed.
    const author = join(work, "author");
    git(work, "clone", "-q", origin, author);
    await install(author);
    git(author, "checkout", "-q", "-b", "add-identity");
    const devFile = join(author, "apps/fleet/src/clusters/dev.ts");
    const dev = await readFile(devFile, "utf8");
    if (!dev.includes("  identities: [\n")) throw new Error(`${devFile} has no identities list to add to`);
    await writeFile(devFile, dev.replace("  identities: [\n", NEW_IDENTITY));
    await sh(author, "pnpm -s synth >/dev/null 2>&1");
    git(author, "add", "-A");
    git(author, "commit", "-q", "-m", "dev: the batch identity");
    git(author, "push", "-q", "origin", "add-identity");
    return { origin, server, azBin: az.binDir, env, netLog, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A clone of `origin`'s `branch` at `workspace`, shallow unless `fullHistory` (as a CI checkout). */
export function checkout(origin: string, branch: string, workspace: string, fullHistory: boolean): void {
  git(dirname(workspace), "clone", "-q", ...(fullHistory ? [] : ["--depth", "1"]), "--branch", branch, pathToFileURL(origin).href, workspace);
}
