/**
 * The Azure Pipelines template (ci-templates/azure-pipelines/flotilla.yml), run: the pull request
 * of test/support/pull-request-repo.ts goes through its stages as an agent runs them, every script
 * as written after the agent's macro expansion (test/support/pipelines-runner.ts), with the real
 * pnpm, git, jq, node and flotilla, post-pr-comment.mjs against a local pull request threads API,
 * and DefaultAzureCredential signing in through a fake `az` against the local ARM server. Stand-ins:
 * checkout (a clone of the local origin), NodeTool, AzureCLI's sign-in (the fake `az` on PATH),
 * publish and download (a directory), and the install script (this checkout's modules and build).
 */
import { existsSync } from "node:fs";
import { cp, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { startThreadsApi } from "./support/azure-devops-threads.js";
import { repoRoot } from "./support/flotilla-cli.js";
import { type PipelineJobResult, type PipelineRunOptions, type PipelineStep, pipelineCondition, runPipelineJob } from "./support/pipelines-runner.js";
import { checkout, git, install, pullRequestRepo } from "./support/pull-request-repo.js";
import { tempDirs } from "./support/temp-dirs.js";

const temp = tempDirs();

interface Pipeline {
  variables: Record<string, string>;
  stages: { stage: string; condition?: string; jobs: { job?: string; deployment?: string; dependsOn?: string; condition?: string; steps?: PipelineStep[]; strategy?: { runOnce: { deploy: { steps: PipelineStep[] } } } }[] }[];
}

describe("the Azure Pipelines template, run", () => {
  it("a pull request that adds an identity: Check fails while it is pending, Plan asks for Apply, Apply of the published plan and synth push to the PR, and the next run passes", { timeout: 240_000 }, async () => {
    const work = await temp("flotilla-ci-azure-");
    const pipeline = parse(await readFile(join(repoRoot, "ci-templates/azure-pipelines/flotilla.yml"), "utf8")) as Pipeline;
    const bin = join(work, "bin");
    await mkdir(bin);
    const api = await startThreadsApi([]);
    const repo = await pullRequestRepo(work, bin, await temp("flotilla-ci-home-"));
    const { origin, server, env, netLog } = repo;
    try {
      const pipelineWorkspace = join(work, "pipeline");
      await mkdir(pipelineWorkspace);
      const artifacts = join(work, "artifacts");
      const connections: string[] = [];
      let checkouts = 0;
      const variables = {
        ...pipeline.variables,
        "Build.Reason": "PullRequest",
        "Build.Repository.Id": "repo-1",
        "Build.ArtifactStagingDirectory": join(work, "staging"),
        "Pipeline.Workspace": pipelineWorkspace,
        "System.CollectionUri": api.collectionUri,
        "System.TeamProjectId": "ml platform",
        "System.PullRequest.PullRequestId": "42",
        "System.PullRequest.SourceBranch": "refs/heads/add-identity",
        "System.PullRequest.TargetBranch": "refs/heads/main",
      };
      await mkdir(variables["Build.ArtifactStagingDirectory"]);
      const options = (dependencies: Record<string, PipelineJobResult> = {}): PipelineRunOptions => ({
        variables,
        secrets: { "System.AccessToken": "build-token" },
        dependencies,
        standIns: {
          // A PR build checks out the merge commit; main has not moved, so its tree is the head's.
          checkout: async (step) => {
            const workspace = join(work, `workspace-${++checkouts}`);
            checkout(origin, "add-identity", workspace, step.fetchDepth === 0);
            return { workspace };
          },
          "NodeTool@0": async () => {},
          "AzureCLI@2": async (step) => {
            connections.push(step.inputs!.azureSubscription!);
            return { path: repo.azBin };
          },
          publish: async (step) => {
            await mkdir(join(artifacts, String(step.artifact)), { recursive: true });
            await cp(String(step.publish), join(artifacts, String(step.artifact), "plan.json"));
          },
          download: async (step) => {
            await cp(join(artifacts, String(step.artifact)), join(pipelineWorkspace, String(step.artifact)), { recursive: true });
          },
        },
        commands: { "npm install --global pnpm@$(PNPM_VERSION) && pnpm install --frozen-lockfile": install },
        env,
        tempRoot: work,
      });
      const stage = (name: string) => pipeline.stages.find((candidate) => candidate.stage === name)!;
      const run = async () => {
        const check = await runPipelineJob({ steps: stage("Check").jobs[0]!.steps! }, options());
        const identities = stage("Identities");
        expect(pipelineCondition(identities.condition, { variables, failed: false })).toBe(true);
        const plan = await runPipelineJob({ steps: identities.jobs.find((job) => job.job === "plan")!.steps! }, options());
        const applyJob = identities.jobs.find((job) => job.deployment === "apply")!;
        expect(applyJob.dependsOn).toBe("plan");
        const apply = await runPipelineJob({ condition: applyJob.condition!, steps: applyJob.strategy!.runOnce.deploy.steps }, options({ plan }));
        return { check, plan, apply };
      };
      const detail = (job: PipelineJobResult) => job.steps.map((step) => `${step.name}: ${step.outcome}\n${step.stdout}${step.stderr}`).join("\n");
      const outcome = (job: PipelineJobResult, name: string) => job.steps.find((step) => step.name === name)?.outcome;

      const first = await run();
      expect(first.check.result, detail(first.check)).toBe("failed");
      expect(outcome(first.check, "Rendered tree is up to date, no identity pending")).toBe("failed");
      expect(outcome(first.check, "Validate")).toBe("skipped");
      expect(outcome(first.check, "Post the diff as a PR comment"), detail(first.check)).toBe("succeeded");
      expect(api.threads).toHaveLength(1);
      expect(api.threads[0]!.comments[0]!.content).toMatch(/^<!-- flotilla-diff -->\n[\s\S]*1 pending identity: not ready to merge/);
      expect(new Set(api.requests.map((request) => request.auth))).toEqual(new Set(["Bearer build-token"]));

      expect(first.plan.result, detail(first.plan)).toBe("succeeded");
      expect(first.plan.outputs).toEqual({ "plan.apply": "true" });
      expect(first.plan.steps.find((step) => step.name.startsWith("Plan"))!.stdout).toMatch(/^ {2}\+ .*id-dev-batch[\s\S]*^Pending identities in this pull request: 1$/m);
      expect(first.apply.result, detail(first.apply)).toBe("succeeded");
      expect(connections).toEqual(["flotilla-plan", "flotilla-apply"]);
      const created = server.state.listIdentities().find((identity) => identity.name === "id-dev-batch");
      expect(created).toBeDefined();
      expect(git(origin, "log", "-1", "--format=%an", "add-identity").trim()).toBe("flotilla bootstrap");
      expect(git(origin, "show", "add-identity:clusters/dev/infrastructure/serviceaccount_analytics-dev_batch-runner.yaml")).toContain(`azure.workload.identity/client-id: ${created!.clientId}`);

      // The push updates the pull request, which runs the pipeline again.
      const second = await run();
      expect(second.check.result, detail(second.check)).toBe("succeeded");
      expect(second.check.steps.map((step) => step.outcome)).not.toContain("skipped");
      expect(api.threads).toHaveLength(1);
      expect(api.threads[0]!.comments[0]!.content).not.toMatch(/pending identit/);
      expect(second.plan.outputs).toEqual({ "plan.apply": "false" });
      expect(second.apply.result).toBe("skipped");
      expect(existsSync(netLog) ? await readFile(netLog, "utf8") : "").toBe("");
    } finally {
      api.close();
      await repo.close();
    }
  });
});
