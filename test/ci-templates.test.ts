import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
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

  it("Azure Pipelines: valid YAML that runs synth --check, validate and posts pnpm diff --format markdown", async () => {
    const pipeline = parse(await readFile(join(repoRoot, "ci-templates/azure-pipelines/flotilla.yml"), "utf8")) as { pr: unknown; steps: { script?: string; checkout?: string; fetchDepth?: number }[] };
    expect(pipeline.pr).toBeDefined();
    const scriptsRun = pipeline.steps.map((step) => step.script ?? "").join("\n");
    expect(scriptsRun).toContain("pnpm synth --check");
    expect(scriptsRun).toContain("pnpm validate");
    expect(scriptsRun).toMatch(/pnpm diff --base "origin\/\$\{SYSTEM_PULLREQUEST_TARGETBRANCH#refs\/heads\/\}" --format markdown --output/);
    expect(scriptsRun).toContain("node ci-templates/azure-pipelines/post-pr-comment.mjs");
    for (const script of pnpmScripts(scriptsRun)) expect(scripts, `pnpm ${script}`).toHaveProperty(script);
    expect(pipeline.steps[0]).toMatchObject({ checkout: "self", fetchDepth: 0 });
  });

  it("post-pr-comment.mjs creates a PR thread once, then updates its comment (against a local threads API)", async () => {
    const requests: { method: string; url: string; auth: string | undefined; body: unknown }[] = [];
    const threads: { id: number; comments: { id: number; content: string }[] }[] = [{ id: 1, comments: [{ id: 1, content: "a human's comment" }] }];
    const server = createServer(async (request: IncomingMessage, response) => {
      let text = "";
      for await (const chunk of request) text += String(chunk);
      const body = text ? (JSON.parse(text) as { comments?: { content: string }[]; content?: string }) : undefined;
      requests.push({ method: request.method!, url: request.url!, auth: request.headers.authorization, body });
      const path = request.url!.split("?")[0]!;
      response.setHeader("content-type", "application/json");
      if (request.method === "GET") response.end(JSON.stringify({ value: threads, count: threads.length }));
      else if (request.method === "POST") {
        threads.push({ id: 7, comments: [{ id: 1, content: body!.comments![0]!.content }] });
        response.end(JSON.stringify({ id: 7 }));
      } else {
        const [, thread, comment] = /threads\/(\d+)\/comments\/(\d+)$/.exec(path)!;
        threads.find((t) => t.id === Number(thread))!.comments.find((c) => c.id === Number(comment))!.content = body!.content!;
        response.end(JSON.stringify({ id: Number(comment) }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const work = await mkdtemp(join(tmpdir(), "flotilla-ci-"));
    try {
      const port = (server.address() as AddressInfo).port;
      const env = {
        ...process.env,
        SYSTEM_COLLECTIONURI: `http://127.0.0.1:${port}/contoso/`,
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
      server.close();
      await rm(work, { recursive: true, force: true });
    }
  });
});
