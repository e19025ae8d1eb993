import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { startThreadsApi } from "./support/azure-devops-threads.js";
import { repoRoot } from "./support/synth-cli.js";

const scripts = (JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

/** Every `pnpm <script>` a command line runs. */
function pnpmScripts(command: string): string[] {
  return [...command.matchAll(/\bpnpm (?!install\b)([a-z][\w:-]*)/g)].map((match) => match[1]!);
}

describe("CI templates", () => {
  it("GitHub Actions: valid YAML that runs synth --check, validate and posts pnpm diff --format markdown", async () => {
    const workflow = parse(await readFile(join(repoRoot, "ci-templates/github/flotilla.yml"), "utf8")) as {
      on: Record<string, unknown>;
      jobs: Record<string, { steps: { run?: string; uses?: string; if?: string }[] }>;
    };
    expect(Object.keys(workflow.on)).toContain("pull_request");
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
    const runs = steps.map((step) => step.run ?? "").join("\n");
    expect(runs).toContain("pnpm synth --check");
    expect(runs).toContain("pnpm validate");
    expect(runs).toMatch(/pnpm diff --base "origin\/\$BASE_REF" --format markdown --output/);
    expect(runs).toMatch(/gh pr comment "\$PR" --edit-last --body-file/);
    for (const script of pnpmScripts(runs)) expect(scripts, `pnpm ${script}`).toHaveProperty(script);
    expect(steps.find((step) => step.uses?.startsWith("actions/checkout"))).toMatchObject({ with: { "fetch-depth": 0 } });
  });

  it("GitHub Actions: pending identities block the merge; the plan runs on the PR, apply of exactly that plan only after approval, then synth, pushed to the PR", async () => {
    type Step = { run?: string; uses?: string; id?: string; with?: Record<string, unknown>; env?: Record<string, string> };
    type Job = { if?: string; needs?: string; environment?: string; outputs?: Record<string, string>; permissions?: Record<string, string>; steps: Step[] };
    const workflow = parse(await readFile(join(repoRoot, "ci-templates/github/flotilla.yml"), "utf8")) as { jobs: Record<string, Job> };
    const { check, identities, apply } = workflow.jobs;
    // The required check: synth --check fails while an identity is pending, before validate and the diff comment.
    expect(check!.steps.map((step) => step.run ?? "").filter((run) => run.startsWith("pnpm synth"))).toEqual(["pnpm synth --check"]);
    // Plan on the pull request, never for forks; read-only sign-in with OpenID Connect.
    expect(identities!.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    expect(identities!.permissions).toMatchObject({ "id-token": "write" });
    const plan = identities!.steps.find((step) => step.id === "plan")!;
    expect(plan.run).toMatch(/pnpm -s bootstrap plan --out "\$RUNNER_TEMP\/plan\.json" --exit-code/);
    expect(plan.run).toMatch(/pnpm -s diff --base "origin\/\$BASE_REF" --no-render --format json \| jq '\.pending \| length'/);
    expect(plan.env).toMatchObject({ AZURE_TOKEN_CREDENTIALS: "AzureCliCredential" });
    expect(identities!.outputs).toEqual({ apply: "${{ steps.plan.outputs.apply }}" });
    // Apply: after identities, only when it has something to do, behind the environment's reviewers.
    expect(apply!.needs).toBe("identities");
    expect(apply!.if).toBe("${{ needs.identities.outputs.apply == 'true' }}");
    expect(apply!.environment).toBe("azure-identities");
    const runs = apply!.steps.flatMap((step) => (step.run ? [step.run] : []));
    const at = (pattern: RegExp) => runs.findIndex((run) => pattern.test(run));
    expect(at(/^pnpm bootstrap apply "\$RUNNER_TEMP\/plan\.json"$/)).toBeGreaterThanOrEqual(0);
    expect(runs.join("\n")).not.toContain("--yes"); // the saved plan, not whatever Azure needs by then
    expect(at(/^pnpm synth$/)).toBeGreaterThan(at(/bootstrap apply/));
    expect(at(/git add apps\/fleet\/identity-outputs clusters[\s\S]*git push origin "HEAD:\$HEAD_REF"/)).toBeGreaterThan(at(/^pnpm synth$/));
    // A push with GITHUB_TOKEN would start no workflow: the check must run again on the new commit.
    expect(apply!.steps.find((step) => step.uses?.startsWith("actions/checkout"))!.with).toMatchObject({ ref: "${{ github.head_ref }}", token: "${{ secrets.FLOTILLA_PUSH_TOKEN }}" });
    for (const script of pnpmScripts([...Object.values(workflow.jobs)].flatMap((job) => job.steps.map((step) => step.run ?? "")).join("\n"))) expect(scripts, `pnpm ${script}`).toHaveProperty(script);
  });

  it("Azure Pipelines: valid YAML that runs synth --check, validate and posts pnpm diff --format markdown", async () => {
    const pipeline = parse(await readFile(join(repoRoot, "ci-templates/azure-pipelines/flotilla.yml"), "utf8")) as { pr: unknown; stages: { stage: string; jobs: { job?: string; steps: { script?: string; checkout?: string; fetchDepth?: number }[] }[] }[] };
    expect(pipeline.pr).toBeDefined();
    const steps = pipeline.stages.find((stage) => stage.stage === "Check")!.jobs[0]!.steps;
    const scriptsRun = steps.map((step) => step.script ?? "").join("\n");
    expect(scriptsRun).toContain("pnpm synth --check");
    expect(scriptsRun).toContain("pnpm validate");
    expect(scriptsRun).toMatch(/pnpm diff --base "origin\/\$\{SYSTEM_PULLREQUEST_TARGETBRANCH#refs\/heads\/\}" --format markdown --output/);
    expect(scriptsRun).toContain("node ci-templates/azure-pipelines/post-pr-comment.mjs");
    for (const script of pnpmScripts(scriptsRun)) expect(scripts, `pnpm ${script}`).toHaveProperty(script);
    expect(steps[0]).toMatchObject({ checkout: "self", fetchDepth: 0 });
  });

  it("Azure Pipelines: the plan runs on the PR, apply of exactly that plan only after the environment's approvals, then synth, pushed to the PR's branch", async () => {
    type Step = { script?: string; task?: string; name?: string; inputs?: Record<string, string>; env?: Record<string, string>; checkout?: string; persistCredentials?: boolean };
    type Job = { job?: string; deployment?: string; dependsOn?: string; condition?: string; environment?: string; steps?: Step[]; strategy?: { runOnce: { deploy: { steps: Step[] } } } };
    const pipeline = parse(await readFile(join(repoRoot, "ci-templates/azure-pipelines/flotilla.yml"), "utf8")) as { stages: { stage: string; condition?: string; jobs: Job[] }[] };
    const stage = pipeline.stages.find((candidate) => candidate.stage === "Identities")!;
    expect(stage.condition).toBe("eq(variables['Build.Reason'], 'PullRequest')");
    const plan = stage.jobs.find((job) => job.job === "plan")!.steps!.find((step) => step.name === "plan")!;
    expect(plan.inputs!.azureSubscription).toBe("flotilla-plan");
    expect(plan.inputs!.inlineScript).toMatch(/pnpm -s bootstrap plan --out "\$\(Build\.ArtifactStagingDirectory\)\/plan\.json" --exit-code/);
    expect(plan.inputs!.inlineScript).toMatch(/jq '\.pending \| length'/);
    expect(plan.inputs!.inlineScript).toContain("##vso[task.setvariable variable=apply;isOutput=true]$apply");
    const apply = stage.jobs.find((job) => job.deployment === "apply")!;
    expect(apply).toMatchObject({ dependsOn: "plan", condition: "eq(dependencies.plan.outputs['plan.apply'], 'true')", environment: "azure-identities" });
    const steps = apply.strategy!.runOnce.deploy.steps;
    const at = (pattern: RegExp) => steps.findIndex((step) => pattern.test(step.script ?? step.inputs?.inlineScript ?? ""));
    const applied = steps[at(/bootstrap apply/)]!;
    expect(applied.inputs).toMatchObject({ azureSubscription: "flotilla-apply", inlineScript: 'pnpm bootstrap apply "$(Pipeline.Workspace)/bootstrap-plan/plan.json"' });
    expect(at(/git checkout --detach FETCH_HEAD/)).toBeLessThan(at(/bootstrap apply/));
    expect(at(/^pnpm synth$/)).toBeGreaterThan(at(/bootstrap apply/));
    expect(at(/git add apps\/fleet\/identity-outputs clusters[\s\S]*git push origin "HEAD:\$SYSTEM_PULLREQUEST_SOURCEBRANCH"/)).toBeGreaterThan(at(/^pnpm synth$/));
    expect(steps.find((step) => step.checkout === "self")).toMatchObject({ persistCredentials: true });
    const all = pipeline.stages.flatMap((s) => s.jobs.flatMap((job) => [...(job.steps ?? []), ...(job.strategy?.runOnce.deploy.steps ?? [])]));
    for (const script of pnpmScripts(all.map((step) => step.script ?? step.inputs?.inlineScript ?? "").join("\n"))) expect(scripts, `pnpm ${script}`).toHaveProperty(script);
  });

  it("post-pr-comment.mjs creates a PR thread once, then updates its comment (against a local threads API)", async () => {
    const api = await startThreadsApi([{ id: 1, comments: [{ id: 1, content: "a human's comment" }] }]);
    const { threads, requests } = api;
    const work = await mkdtemp(join(tmpdir(), "flotilla-ci-"));
    try {
      const env = {
        ...process.env,
        SYSTEM_COLLECTIONURI: api.collectionUri,
        SYSTEM_TEAMPROJECTID: "ml platform",
        BUILD_REPOSITORY_ID: "repo-1",
        SYSTEM_PULLREQUEST_PULLREQUESTID: "42",
        SYSTEM_ACCESSTOKEN: "token-1",
      };
      const post = async (markdown: string) => {
        await writeFile(join(work, "diff.md"), markdown);
        const child = spawn(process.execPath, [join(repoRoot, "ci-templates/azure-pipelines/post-pr-comment.mjs"), join(work, "diff.md")], { env });
        let output = "";
        child.stdout.on("data", (chunk) => (output += String(chunk)));
        child.stderr.on("data", (chunk) => (output += String(chunk)));
        const code = await new Promise((resolve) => child.on("close", resolve));
        return { code, output };
      };
      expect(await post("## flotilla diff\nfirst\n")).toEqual({ code: 0, output: "post-pr-comment: created thread 7\n" });
      expect(await post("## flotilla diff\nsecond\n")).toEqual({ code: 0, output: "post-pr-comment: updated comment 1 of thread 7\n" });
      expect(threads.map((t) => t.comments[0]!.content)).toEqual(["a human's comment", "<!-- flotilla-diff -->\n## flotilla diff\nsecond\n"]);
      expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        "GET /contoso/ml%20platform/_apis/git/repositories/repo-1/pullRequests/42/threads?api-version=7.1",
        "POST /contoso/ml%20platform/_apis/git/repositories/repo-1/pullRequests/42/threads?api-version=7.1",
        "GET /contoso/ml%20platform/_apis/git/repositories/repo-1/pullRequests/42/threads?api-version=7.1",
        "PATCH /contoso/ml%20platform/_apis/git/repositories/repo-1/pullRequests/42/threads/7/comments/1?api-version=7.1",
      ]);
      expect(new Set(requests.map((r) => r.auth))).toEqual(new Set(["Bearer token-1"]));
    } finally {
      api.close();
      await rm(work, { recursive: true, force: true });
    }
  });
});
