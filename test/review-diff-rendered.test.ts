import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tar from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffCli } from "./support/review-cli.js";
import { repoRoot } from "./support/synth-cli.js";

/**
 * `pnpm diff` under a changed HelmRelease: the change to the objects it renders, each side rendered
 * with the real Helm 4 and its own chart archive (read from Git at that side's commit).
 */
let repo: string;
const git = (...args: string[]) => execFileSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { encoding: "utf8" });
const release = (version: string, replicas: number) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: argo-workflows
  namespace: flux-system
spec:
  chart:
    spec:
      chart: argo-workflows
      version: ${version}
      sourceRef:
        kind: HelmRepository
        name: argo
  targetNamespace: argo
  values:
    controller:
      replicas: ${replicas}
`;
const source = "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: argo\n  namespace: flux-system\nspec:\n  url: https://argoproj.github.io/argo-helm\n";

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), "flotilla-diff-rendered-"));
  git("init", "-q", "-b", "main");
  const charts = join(repo, "packages", "argo-workflows", "charts");
  await mkdir(charts, { recursive: true });
  await writeFile(join(charts, "argo-workflows-0.47.5.tgz"), await readFile(join(repoRoot, "packages/argo-workflows/charts/argo-workflows-0.47.5.tgz")));
  await mkdir(join(repo, "clusters", "c1"), { recursive: true });
  await writeFile(join(repo, "clusters", "c1", "kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - helmrelease.yaml\n  - helmrepository.yaml\n");
  await writeFile(join(repo, "clusters", "c1", "helmrepository.yaml"), source);
  await writeFile(join(repo, "clusters", "c1", "helmrelease.yaml"), release("0.47.5", 1));
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  // The head bumps the chart to "0.47.6": the real archive repackaged with that version and a
  // changed controller template, so only rendering with the head's own archive shows the change.
  const unpacked = join(repo, ".unpacked");
  await mkdir(unpacked);
  await tar.extract({ file: join(charts, "argo-workflows-0.47.5.tgz"), cwd: unpacked });
  const chartYaml = join(unpacked, "argo-workflows", "Chart.yaml");
  await writeFile(chartYaml, (await readFile(chartYaml, "utf8")).replace(/^version: 0\.47\.5$/m, "version: 0.47.6"));
  const deployment = join(unpacked, "argo-workflows", "templates", "controller", "workflow-controller-deployment.yaml");
  await writeFile(deployment, (await readFile(deployment, "utf8")).replace(/^(\s+)containers:$/m, "$1terminationGracePeriodSeconds: 42\n$1containers:"));
  await tar.create({ gzip: true, file: join(charts, "argo-workflows-0.47.6.tgz"), cwd: unpacked }, ["argo-workflows"]);
  await rm(unpacked, { recursive: true, force: true });
  await writeFile(join(repo, "clusters", "c1", "helmrelease.yaml"), release("0.47.6", 2));
  git("add", "-A");
  git("commit", "-q", "-m", "head");
});
afterAll(async () => rm(repo, { recursive: true, force: true }));

describe("pnpm diff shows what a changed HelmRelease renders", () => {
  it("renders each side with its own chart archive and lists the changed objects field by field (release name <targetNamespace>-<name>)", () => {
    const result = diffCli(repo, "--tree", join(repo, "clusters"), "--base", "HEAD~1", "--head", "HEAD", "--no-color");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    const start = lines.findIndex((line) => line.includes("rendered objects (as helm-controller would install them):"));
    expect(start).toBeGreaterThan(0);
    const rendered = lines.slice(start + 1).join("\n");
    expect(rendered).toContain("~ Deployment argo/argo-argo-workflows-workflow-controller");
    expect(rendered).toContain("- .spec.replicas: 1");
    expect(rendered).toContain("+ .spec.replicas: 2");
    expect(rendered).toContain("+ .spec.template.spec.terminationGracePeriodSeconds: 42"); // only in the head's archive
    expect(rendered).toMatch(/- \.metadata\.labels\["helm\.sh\/chart"\]: "argo-workflows-0\.47\.5"/);
  });

  it("puts the rendered changes into the Markdown and JSON reports", () => {
    const markdown = diffCli(repo, "--tree", join(repo, "clusters"), "--base", "HEAD~1", "--head", "HEAD", "--format", "markdown");
    expect(markdown.stdout).toContain("Rendered objects (as helm-controller would install them):");
    expect(markdown.stdout).toContain("~ Deployment argo/argo-argo-workflows-workflow-controller (changed)");
    const json = JSON.parse(diffCli(repo, "--tree", join(repo, "clusters"), "--base", "HEAD~1", "--head", "HEAD", "--format", "json").stdout) as {
      clusters: { groups: { objects: { kind: string; rendered?: { kind: string; name: string; fields: { path: string }[] }[] }[] }[] }[];
    };
    const hr = json.clusters[0]!.groups.flatMap((group) => group.objects).find((object) => object.kind === "HelmRelease")!;
    expect(hr.rendered?.find((object) => object.kind === "Deployment" && object.name === "argo-argo-workflows-workflow-controller")?.fields.map((field) => field.path)).toContain(".spec.replicas");
  });
});
