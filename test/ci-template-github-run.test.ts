/**
 * The GitHub Actions template (ci-templates/github/flotilla.yml), run: a pull request that adds an
 * identity to the example fleet (test/support/pull-request-repo.ts) goes through the template's jobs
 * as GitHub runs them, every `run:` script executed as written (test/support/actions-runner.ts), with
 * the real pnpm, git and jq, the built flotilla, and DefaultAzureCredential signing in through a fake
 * `az` against the local ARM server. What cannot run here stands in: GitHub's actions (checkout is a
 * clone of the local origin, azure/login puts the fake `az` on PATH, artifacts are a directory), `gh`
 * (a fake that keeps the PR's comment and fails `--edit-last` without one, as gh does), and
 * `pnpm install` (this checkout's installed modules and build, linked and copied into each workspace).
 */
import { existsSync } from "node:fs";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { runJob, type Job, type JobResult, type RunOptions } from "./support/actions-runner.js";
import { TENANT } from "./support/bootstrap-harness.js";
import { repoRoot } from "./support/flotilla-cli.js";
import { checkout, git, install, pullRequestRepo } from "./support/pull-request-repo.js";
import { tempDirs } from "./support/temp-dirs.js";

const REPOSITORY = "contoso/ml-fleet";
const PR = 42;
const temp = tempDirs();

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

const outcome = (job: JobResult, name: string) => job.steps.find((step) => step.name === name)?.outcome;

describe("the GitHub Actions template, run", () => {
  it("a pull request that adds an identity: check fails while it is pending, the plan asks for apply, apply of the saved plan and synth push to the PR, and the next run passes", { timeout: 240_000 }, async () => {
    const work = await temp("flotilla-ci-template-");
    const outputsHere = () => Promise.all(["dev", "prod"].map((cluster) => readFile(join(repoRoot, "apps/fleet/identity-outputs", `${cluster}.json`), "utf8")));
    const outputsBefore = await outputsHere();
    const workflow = parse(await readFile(join(repoRoot, "ci-templates/github/flotilla.yml"), "utf8")) as { jobs: Record<string, Job> };
    const bin = join(work, "bin");
    await mkdir(bin);
    await fakeGh(bin, work);
    const repo = await pullRequestRepo(work, bin, await temp("flotilla-ci-home-"));
    const { origin, server, env, netLog } = repo;
    try {
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
            checkout(origin, (step.with?.ref as string | undefined) ?? "add-identity", workspace, step.with?.["fetch-depth"] === 0);
            return { workspace };
          },
          "pnpm/action-setup": async () => {},
          "actions/setup-node": async () => {},
          "azure/login": async (step) => {
            logins.push(String(step.with?.["client-id"]));
            return { path: repo.azBin };
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
      await repo.close();
    }
  });
});
