/**
 * The GitHub Actions template (ci-templates/github/flotilla.yml), run: a pull request that adds an
 * identity to the example fleet goes through the template's jobs as GitHub runs them, every `run:`
 * script executed as written (test/support/actions-runner.ts), with the real pnpm, git and jq, the
 * built flotilla, and DefaultAzureCredential signing in through a fake `az` against the local ARM
 * server. What cannot run here stands in: GitHub's actions (checkout is a clone of a local origin,
 * azure/login puts the fake `az` on PATH, artifacts are a directory), `gh` (a fake that keeps the PR's
 * comments and fails `--edit-last` without one, as gh does), and `pnpm install` (this checkout's
 * installed and built node_modules and dist/, linked and copied into each job's workspace).
 */
import { spawn, spawnSync } from "node:child_process";
import { cp, mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { loadFleet } from "@flotilla/fleet";
import { PLATFORMS } from "@flotilla/platforms";
import { planIdentities } from "@flotilla/workload-identity";
import { resolveHelm, resolveKubectl } from "@flotilla/helm";
import { runJob, type Job, type JobResult, type RunOptions } from "./support/actions-runner.js";
import { caFile, fakeAzureCli } from "./support/bootstrap-cli.js";
import { startServerFor, TENANT } from "./support/bootstrap-harness.js";
import { repoRoot } from "./support/flotilla-cli.js";
import { tempDirs } from "./support/temp-dirs.js";

const TOKEN = "flotilla-ci-template-token-7Hq2";
const REPOSITORY = "contoso/ml-fleet";
const PR = 42;
const temp = tempDirs();
const cacheDir = join(repoRoot, "node_modules/.cache/flotilla");

function git(cwd: string, ...args: string[]): string {
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
async function install(workspace: string): Promise<void> {
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

/** `gh pr comment <n> [--edit-last] --body-file <file>`, keeping the PR's comment in `state`; `--edit-last` without one fails as gh does. */
async function fakeGh(bin: string, state: string): Promise<void> {
  await writeFile(
    join(bin, "gh"),
    `#!/bin/sh
[ -n "$GH_TOKEN" ] || { echo "gh: set the GH_TOKEN environment variable" >&2; exit 4; }
echo "$*" >> '${state}/gh.log'
[ "$1 $2" = "pr comment" ] || { echo "gh: unknown command $1 $2" >&2; exit 1; }
pr=$3; shift 3; edit=; body=
while [ $# -gt 0 ]; do
  case "$1" in --edit-last) edit=1 ;; --body-file) body=$2; shift ;; *) echo "gh: unknown flag $1" >&2; exit 1 ;; esac
  shift
done
[ -f "$body" ] || { echo "gh: no body file" >&2; exit 1; }
if [ -n "$edit" ] && [ ! -f '${state}'/comment-$pr.md ]; then echo "no comments found for current user" >&2; exit 1; fi
[ -n "$edit" ] || echo x >> '${state}'/created-$pr
cp "$body" '${state}'/comment-$pr.md
`,
    { mode: 0o755 },
  );
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

const outcome = (job: JobResult, name: string) => job.steps.find((step) => step.name === name)?.outcome;

describe("the GitHub Actions template, run", () => {
  it("a pull request that adds an identity: check fails while it is pending, the plan asks for apply, apply of the saved plan and synth push to the PR, and the next run passes", { timeout: 240_000 }, async () => {
    // Helm and kubectl extracted once, into this checkout's cache (each job's workspace links them).
    await resolveHelm({ cacheDir });
    await resolveKubectl({ cacheDir });
    const work = await temp("flotilla-ci-template-");
    const outputsHere = () => Promise.all(["dev", "prod"].map((cluster) => readFile(join(repoRoot, "apps/fleet/identity-outputs", `${cluster}.json`), "utf8")));
    const outputsBefore = await outputsHere();
    const workflow = parse(await readFile(join(repoRoot, "ci-templates/github/flotilla.yml"), "utf8")) as { jobs: Record<string, Job> };

    const server = await startServerFor(await examplePlan(), { acceptToken: (token) => token === TOKEN });
    const az = await fakeAzureCli(TOKEN);
    const ca = await caFile(server);
    try {
      const bin = join(work, "bin");
      await mkdir(bin);
      await fakeGh(bin, work);
      const pnpm = spawnSync("sh", ["-c", "command -v pnpm"], { encoding: "utf8" }).stdout.trim();
      const netLog = join(work, "net.log");
      const env: Record<string, string> = {
        PATH: `${bin}:${dirname(process.execPath)}:${dirname(pnpm)}:/usr/local/bin:/usr/bin:/bin`,
        HOME: await temp("flotilla-ci-home-"),
        TMPDIR: process.env.TMPDIR ?? "/tmp",
        npm_config_update_notifier: "false",
        // The test hooks that point the built CLI at the local ARM server; nothing may leave loopback.
        FLOTILLA_ARM_ENDPOINT: server.url,
        NODE_EXTRA_CA_CERTS: ca,
        NODE_OPTIONS: `--import ${pathToFileURL(join(repoRoot, "test/support/loopback-only.mjs")).href}`,
        FLOTILLA_TEST_NET_LOG: netLog,
      };
      // Asynchronously: the ARM server in this process must keep answering.
      const sh = (cwd: string, command: string) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn("bash", ["-ec", command], { cwd, env: { ...env, PATH: `${az.binDir}:${env.PATH}` }, stdio: ["ignore", "ignore", "pipe"] });
          let stderr = "";
          child.stderr.on("data", (chunk) => (stderr += String(chunk)));
          child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${command}: ${stderr}`))));
        });

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
      expect(dev).toContain("  identities: [\n");
      await writeFile(devFile, dev.replace("  identities: [\n", NEW_IDENTITY));
      await sh(author, "pnpm -s synth >/dev/null 2>&1");
      git(author, "add", "-A");
      git(author, "commit", "-q", "-m", "dev: the batch identity");
      git(author, "push", "-q", "origin", "add-identity");

      const artifacts = join(work, "artifacts");
      const logins: string[] = [];
      let checkouts = 0;
      const options = (needs: Record<string, JobResult> = {}): RunOptions => ({
        context: {
          github: {
            event_name: "pull_request",
            repository: REPOSITORY,
            base_ref: "main",
            head_ref: "add-identity",
            token: "github-token",
            event: { pull_request: { number: PR, head: { repo: { full_name: REPOSITORY } } } },
          },
          vars: { AZURE_TENANT_ID: TENANT, AZURE_SUBSCRIPTION_ID: "sub", FLOTILLA_PLAN_CLIENT_ID: "plan-reader", FLOTILLA_APPLY_CLIENT_ID: "apply-writer" },
          secrets: { FLOTILLA_PUSH_TOKEN: "push-token" },
          needs: Object.fromEntries(Object.entries(needs).map(([name, job]) => [name, { result: job.result, outputs: job.outputs }])),
        },
        actions: {
          // A clone of the PR's head (GitHub checks out the merge commit; main has not moved, so the tree is the same), shallow unless fetch-depth is 0.
          "actions/checkout": async (step) => {
            const workspace = join(work, `workspace-${++checkouts}`);
            const depth = step.with?.["fetch-depth"] === 0 ? [] : ["--depth", "1"];
            const ref = (step.with?.ref as string | undefined) ?? "add-identity";
            git(work, "clone", "-q", ...depth, "--branch", ref, pathToFileURL(origin).href, workspace);
            return { workspace };
          },
          "pnpm/action-setup": async () => {},
          "actions/setup-node": async () => {},
          "azure/login": async (step) => {
            logins.push(String(step.with?.["client-id"]));
            return { path: az.binDir };
          },
          "actions/upload-artifact": async (step) => {
            await mkdir(join(artifacts, String(step.with!.name)), { recursive: true });
            await cp(String(step.with!.path), join(artifacts, String(step.with!.name), "plan.json"));
          },
          "actions/download-artifact": async (step) => {
            await cp(join(artifacts, String(step.with!.name)), String(step.with!.path), { recursive: true });
          },
        },
        commands: { "pnpm install --frozen-lockfile": install },
        env,
        tempRoot: work,
      });
      const run = async () => {
        const check = await runJob(workflow.jobs.check!, options());
        const identities = await runJob(workflow.jobs.identities!, options());
        const apply = await runJob(workflow.jobs.apply!, options({ identities }));
        return { check, identities, apply };
      };
      const detail = (job: JobResult) => job.steps.map((step) => `${step.name}: ${step.outcome}\n${step.stdout}${step.stderr}`).join("\n");

      // First run on the pull request.
      const first = await run();
      expect(first.check.result, detail(first.check)).toBe("failure");
      const checkStep = first.check.steps.find((step) => step.name === "Rendered tree is up to date, no identity pending")!;
      expect(checkStep.outcome).toBe("failure");
      expect(checkStep.stderr).toMatch(/identity "batch" of cluster dev is pending/);
      expect(outcome(first.check, "Validate")).toBe("skipped");
      expect(outcome(first.check, "Diff of the rendered manifests")).toBe("success");
      expect(outcome(first.check, "Post the diff as a PR comment")).toBe("success");
      const comment = await readFile(join(work, `comment-${PR}.md`), "utf8");
      expect(comment).toMatch(/1 pending identity: not ready to merge/);
      expect(comment).toMatch(/identity \*\*`batch`\*\* \(ServiceAccount analytics-dev\/batch-runner\)/);

      expect(first.identities.result, detail(first.identities)).toBe("success");
      expect(first.identities.outputs).toEqual({ apply: "true" });
      expect(first.identities.summary).toMatch(/^## bootstrap plan$/m);
      expect(first.identities.summary).toMatch(/^ {2}\+ .*id-dev-batch/m);
      expect(first.identities.summary).toMatch(/^Pending identities in this pull request: 1$/m);

      expect(first.apply.result, detail(first.apply)).toBe("success");
      expect(logins).toEqual(["plan-reader", "apply-writer"]);
      const created = server.state.listIdentities().find((identity) => identity.name === "id-dev-batch");
      expect(created).toBeDefined();
      const pushed = git(origin, "log", "-1", "--format=%an%n%s", "add-identity").trim().split("\n");
      expect(pushed).toEqual(["flotilla bootstrap", "bootstrap apply: identity outputs and the client IDs synth renders from them"]);
      const outputs = JSON.parse(git(origin, "show", "add-identity:apps/fleet/identity-outputs/dev.json")) as { identities: Record<string, { clientId: string }> };
      expect(outputs.identities.batch!.clientId).toBe(created!.clientId);
      expect(git(origin, "show", "add-identity:clusters/dev/infrastructure/serviceaccount_analytics-dev_batch-runner.yaml")).toContain(`azure.workload.identity/client-id: ${created!.clientId}`);

      // The push runs the workflow again: every check passes, the comment is updated, nothing is left to apply.
      const second = await run();
      expect(second.check.result, detail(second.check)).toBe("success");
      expect(second.check.steps.map((step) => step.outcome)).not.toContain("skipped");
      expect(await readFile(join(work, `comment-${PR}.md`), "utf8")).not.toMatch(/pending identit/);
      expect((await readFile(join(work, `created-${PR}`), "utf8")).split("\n").filter(Boolean)).toHaveLength(1);
      expect(second.identities.outputs).toEqual({ apply: "false" });
      expect(second.apply.result).toBe("skipped");
      expect(existsSync(netLog) ? await readFile(netLog, "utf8") : "").toBe("");
      // Every job ran in its own workspace: this checkout's identity outputs are as they were.
      expect(await outputsHere()).toEqual(outputsBefore);
    } finally {
      await server.close();
      await Promise.all([az.binDir, dirname(ca)].map((dir) => rm(dir, { recursive: true, force: true })));
    }
  });
});
