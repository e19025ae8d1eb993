import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tar from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KUBERNETES_VERSION_ANNOTATION } from "@flotilla/fleet";
import { diffCli } from "./support/review-cli.js";

/**
 * `pnpm diff` renders each side's HelmReleases for the Kubernetes version that side's tree records
 * (the annotation synth writes), with the real Helm 4: a probe chart whose templates depend on
 * `.Capabilities.KubeVersion` shows which version Helm was given.
 */
let repo: string;
const git = (...args: string[]) => execFileSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { encoding: "utf8" });

const PROBE_TEMPLATE = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-probe
data:
  kubeVersion: {{ .Capabilities.KubeVersion.Version | quote }}
  greeting: {{ .Values.greeting | quote }}
{{- if semverCompare ">=1.35-0" .Capabilities.KubeVersion.Version }}
  onlyFrom135: "yes"
{{- end }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-for-1-{{ .Capabilities.KubeVersion.Minor }}
`;

const release = (name: string, kubernetesVersion: string | undefined, greeting: string) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
  namespace: flux-system
${kubernetesVersion === undefined ? "" : `  annotations:\n    ${KUBERNETES_VERSION_ANNOTATION}: "${kubernetesVersion}"\n`}spec:
  chart:
    spec:
      chart: probe
      version: 0.1.0
      sourceRef:
        kind: HelmRepository
        name: probes
  targetNamespace: probe
  values:
    greeting: ${greeting}
`;
const source = "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: probes\n  namespace: flux-system\nspec:\n  url: https://charts.example.com/probes\n";

async function commitTree(message: string, releases: Record<string, string>): Promise<void> {
  const dir = join(repo, "clusters", "c1");
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const names = Object.keys(releases).sort();
  await writeFile(join(dir, "kustomization.yaml"), `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - helmrepository.yaml\n${names.map((name) => `  - ${name}.yaml\n`).join("")}`);
  await writeFile(join(dir, "helmrepository.yaml"), source);
  for (const name of names) await writeFile(join(dir, `${name}.yaml`), releases[name]!);
  git("add", "-A");
  git("commit", "-q", "-m", message);
}

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), "flotilla-diff-kube-version-"));
  git("init", "-q", "-b", "main");
  // The probe chart, vendored as flotilla vendors charts (read from Git at each side's commit).
  const unpacked = join(repo, ".unpacked");
  await mkdir(join(unpacked, "probe", "templates"), { recursive: true });
  await writeFile(join(unpacked, "probe", "Chart.yaml"), "apiVersion: v2\nname: probe\nversion: 0.1.0\n");
  await writeFile(join(unpacked, "probe", "values.yaml"), "greeting: hello\n");
  await writeFile(join(unpacked, "probe", "templates", "configmap.yaml"), PROBE_TEMPLATE);
  const charts = join(repo, "packages", "probe", "charts");
  await mkdir(charts, { recursive: true });
  await tar.create({ gzip: true, file: join(charts, "probe-0.1.0.tgz"), cwd: unpacked }, ["probe"]);
  await rm(unpacked, { recursive: true, force: true });

  // HEAD~4: a tree from before synth recorded the version.  HEAD~3: the cluster on 1.34.
  // HEAD~2: upgraded to 1.35 (nothing else changed).  HEAD~1: a value changed, still on 1.35.
  // HEAD: a second release added on 1.35.
  await commitTree("unrecorded", { upgraded: release("upgraded", undefined, "hey") });
  await commitTree("1.34", { upgraded: release("upgraded", "1.34", "hello") });
  await commitTree("1.35", { upgraded: release("upgraded", "1.35", "hello") });
  await commitTree("greeting", { upgraded: release("upgraded", "1.35", "hi") });
  await commitTree("added", { upgraded: release("upgraded", "1.35", "hi"), added: release("added", "1.35", "hi") });
});
afterAll(async () => rm(repo, { recursive: true, force: true }));

interface JsonReport {
  clusters: { groups: { objects: { kind: string; name: string; renderNotes?: string[]; rendered?: { kind: string; name: string; change: string; fields: { path: string; before?: unknown; after?: unknown }[] }[] }[] }[] }[];
}

function renderedOf(base: string, head: string, release: string) {
  const result = diffCli(repo, "--tree", join(repo, "clusters"), "--base", base, "--head", head, "--format", "json");
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  const report = JSON.parse(result.stdout) as JsonReport;
  const object = report.clusters.flatMap((cluster) => cluster.groups.flatMap((group) => group.objects)).find((o) => o.kind === "HelmRelease" && o.name === release);
  expect(object?.renderNotes).toBeUndefined();
  return object?.rendered ?? [];
}

describe("pnpm diff renders for each side's Kubernetes version", () => {
  it("an upgrade 1.34 → 1.35 renders the base for 1.34 and the head for 1.35", () => {
    const rendered = renderedOf("HEAD~3", "HEAD~2", "upgraded");
    const configMap = rendered.find((object) => object.kind === "ConfigMap" && object.name === "probe-upgraded-probe");
    expect(configMap?.change).toBe("changed");
    expect(configMap?.fields).toEqual(
      expect.arrayContaining([
        // helm template --kube-version 1.34 / 1.35: the version as the cluster spec writes it.
        { path: ".data.kubeVersion", change: "changed", before: "v1.34", after: "v1.35" },
        { path: ".data.onlyFrom135", change: "added", after: "yes" },
      ]),
    );
    expect(rendered.filter((object) => object.name.includes("-for-1-")).map((object) => [object.name, object.change])).toEqual([
      ["probe-upgraded-for-1-34", "removed"],
      ["probe-upgraded-for-1-35", "added"],
    ]);
  });

  it("a cluster on 1.35 renders both sides for 1.35: a value change shows alone", () => {
    const rendered = renderedOf("HEAD~2", "HEAD~1", "upgraded");
    expect(rendered.map((object) => object.fields.map((field) => field.path))).toEqual([[".data.greeting"]]);
  });

  it("a side whose tree does not record the version renders for the other side's", () => {
    const rendered = renderedOf("HEAD~4", "HEAD~1", "upgraded");
    expect(rendered.map((object) => object.fields.map((field) => field.path))).toEqual([[".data.greeting"]]);
  });

  it("a release added to a cluster on 1.35 renders for 1.35", () => {
    const rendered = renderedOf("HEAD~1", "HEAD", "added");
    expect(rendered.map((object) => [object.name, object.change]).sort()).toEqual([
      ["probe-added-for-1-35", "added"],
      ["probe-added-probe", "added"],
    ]);
  });
});
