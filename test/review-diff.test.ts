import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DiffReport } from "@flotilla/review";
import { encryptedSecret, helmRelease, helmRepository, yamlFile } from "../packages/review/test/support/fixture-tree.js";
import { validCluster, writeFleet } from "./support/fixture-fleet.js";
import { diffCli } from "./support/review-cli.js";
import { synthCli } from "./support/synth-cli.js";

let repo: string;
const dirs: string[] = [];
const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" } }).trim();

function cluster(name: string, issuer: string, team: string) {
  return { ...validCluster(name, issuer), namespaces: [{ name: "analytics", labels: { "contoso.com/team": team } }] };
}

/** A file synth did not render (a platform or a secret until their issues land), listed in its directory. */
async function place(path: string, content: string): Promise<void> {
  const file = join(repo, "clusters", path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, content);
  const listing = join(dirname(file), "kustomization.yaml");
  const text = execFileSync("cat", [listing], { encoding: "utf8" });
  await writeFile(listing, text.replace(/resources: \[\]\n|resources:\n/, `resources:\n  - ${path.split("/").pop()}\n`));
}

/** Synthesizes a fleet into the repository's clusters/ and commits it with the extra files. */
async function commitState(message: string, modules: Record<string, unknown>, extra: () => Promise<void>): Promise<void> {
  const fleet = await writeFleet(modules);
  dirs.push(fleet);
  const result = synthCli("--fleet", fleet, "--out", join(repo, "clusters"));
  if (result.code !== 0) throw new Error(result.stderr);
  await extra();
  git("add", "-A");
  git("commit", "-q", "-m", message);
}

const argo = { chart: "argo-workflows", version: "0.47.5", repository: "argo" };
const dev = "00000000-0000-4000-8000-0000000000a1";
const prod = "00000000-0000-4000-8000-0000000000a2";

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), "flotilla-diff-repo-"));
  git("init", "-q", "-b", "main");
  await commitState("base", { "dev.mjs": cluster("dev", dev, "analytics"), "prod.mjs": cluster("prod", prod, "analytics") }, async () => {
    await place("dev/platforms/helmrepository_flux-system_argo.yaml", yamlFile(helmRepository("argo", "https://argoproj.github.io/argo-helm")));
    await place("dev/platforms/helmrelease_argo_argo-workflows.yaml", yamlFile(helmRelease("analytics", "argo-workflows", argo, { controller: { replicas: 1 } })));
    await place("prod/infrastructure/secret_analytics_db.sops.yaml", yamlFile({ apiVersion: "v1", kind: "Secret", metadata: { name: "x" } }).split("apiVersion")[0] + encryptedSecret("analytics", "db", ["password"], "a1"));
  });
  // The change under review: a value change in dev (and its platform removed), an added cluster, a re-encrypted secret in prod.
  git("checkout", "-q", "-b", "feature");
  await commitState(
    "change",
    { "dev.mjs": cluster("dev", dev, "ml"), "prod.mjs": cluster("prod", prod, "analytics"), "staging.mjs": cluster("staging", "00000000-0000-4000-8000-0000000000a3", "analytics") },
    async () => {
      await place("prod/infrastructure/secret_analytics_db.sops.yaml", yamlFile({ apiVersion: "v1", kind: "Secret", metadata: { name: "x" } }).split("apiVersion")[0] + encryptedSecret("analytics", "db", ["password"], "b2"));
    },
  );
});
afterAll(async () => {
  await Promise.all([repo, ...dirs].map((dir) => rm(dir, { recursive: true, force: true })));
});

function json(...args: string[]): DiffReport {
  const result = diffCli(repo, "--tree", join(repo, "clusters"), "--format", "json", ...args);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as DiffReport;
}

describe("pnpm diff between two commits of a fleet repository", () => {
  it("groups a value change, an added cluster, a removed platform and a re-encrypted secret", () => {
    const report = json("--base", "main", "--head", "feature");
    expect(report.base).toEqual({ label: "main", commit: git("rev-parse", "main") });
    expect(report.summary).toEqual({ clusters: { total: 3, affected: 3, added: 1, removed: 0, changed: 2 }, objects: { added: 4, removed: 2, changed: 2 } });
    const shape = report.clusters.map((c) => ({
      name: c.name,
      change: c.change,
      groups: c.groups.map((g) => `${g.label}: ${g.objects.map((o) => `${o.change} ${o.kind} ${o.name}`).join(", ")}`),
    }));
    expect(shape).toEqual([
      {
        name: "dev",
        change: "changed",
        groups: ["infrastructure: changed Namespace analytics", "platforms: removed HelmRelease argo-workflows, removed HelmRepository argo"],
      },
      { name: "prod", change: "changed", groups: ["infrastructure: changed Secret db"] },
      {
        name: "staging",
        change: "added",
        groups: ["flux-system (root): added GitRepository flotilla, added Kustomization infrastructure, added Kustomization platforms", "infrastructure: added Namespace analytics"],
      },
    ]);
    expect(report.clusters[0]!.groups[0]!.objects[0]!.fields).toEqual([{ path: '.metadata.labels["contoso.com/team"]', change: "changed", before: "analytics", after: "ml" }]);
    expect(report.clusters[1]!.groups[0]!.objects[0]!.fields).toEqual([{ path: ".stringData.password", change: "changed", encrypted: true }]);
    expect(JSON.stringify(report)).not.toContain("ENC[");
  });

  it("renders Markdown with the blast radius and plain text without colour when not a terminal", () => {
    const markdown = diffCli(repo, "--tree", join(repo, "clusters"), "--base", "main", "--head", "feature", "--format", "markdown").stdout;
    expect(markdown).toContain("**3 of 3 cluster(s) affected** (2 changed, 1 added). Objects: 4 added, 2 removed, 2 changed.");
    expect(markdown).toContain("```mermaid");
    expect(markdown).toContain("! .stringData.password: re-encrypted (value may have changed)");
    const text = diffCli(repo, "--tree", join(repo, "clusters"), "--base", "main", "--head", "feature").stdout;
    expect(text).toContain("cluster staging (added): 4 added");
    expect(text).not.toContain("\u001b[");
    expect(diffCli(repo, "--tree", join(repo, "clusters"), "--base", "main", "--head", "feature", "--color").stdout).toContain("\u001b[");
  });

  it("compares the working tree with the merge base by default, as a pull request does", async () => {
    git("checkout", "-q", "main");
    await writeFile(join(repo, "unrelated.txt"), "main moved on\n");
    git("add", "-A");
    git("commit", "-q", "-m", "main moves on");
    await rm(join(repo, "clusters", "prod"), { recursive: true });
    git("add", "-A");
    git("commit", "-q", "-m", "prod removed on main");
    git("checkout", "-q", "feature");
    await writeFile(join(repo, "clusters/dev/infrastructure/namespace_analytics.yaml"), (await import("node:fs")).readFileSync(join(repo, "clusters/dev/infrastructure/namespace_analytics.yaml"), "utf8").replace("team: ml", "team: data"));

    // --base main: against the fork point, so prod's removal on main is not shown as an addition here.
    const report = json("--base", "main");
    expect(report.head).toEqual({ label: "working tree" });
    expect(report.base.label).toBe("merge base of main");
    expect(report.base.commit).toBe(git("rev-parse", "main~2"));
    expect(report.clusters.map((c) => c.name)).toEqual(["dev", "prod", "staging"]);
    // Without the merge base, main's tip: prod reappears as added.
    expect(json("--base", "main", "--no-merge-base").clusters.find((c) => c.name === "prod")?.change).toBe("added");
    // No --base: main (no origin/main here).
    expect(json().base.label).toBe("merge base of main");
    // Uncommitted edits count: HEAD vs the working tree.
    const uncommitted = json("--base", "HEAD");
    expect(uncommitted.clusters[0]!.groups[0]!.objects[0]!.fields).toEqual([{ path: '.metadata.labels["contoso.com/team"]', change: "changed", before: "ml", after: "data" }]);
    git("checkout", "--", ".");
  });

  it("fails with the reason and exit 2 (a usage error) for a base that is not a commit", () => {
    const result = diffCli(repo, "--tree", join(repo, "clusters"), "--base", "no-such-branch");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^diff: base "no-such-branch" is not a commit in .*; pass --base <ref>/);
  });

  it("writes the report to --output", async () => {
    const out = join(repo, "..", `${repo.split("/").pop()}-diff.md`);
    dirs.push(out);
    const result = diffCli(repo, "--tree", join(repo, "clusters"), "--base", "main", "--head", "feature", "--format", "markdown", "--output", out);
    expect(result.stdout).toBe("");
    expect((await import("node:fs")).readFileSync(out, "utf8")).toMatch(/^## flotilla diff/);
  });
});
