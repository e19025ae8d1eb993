/**
 * The speed-ups of a cold render (issue 12 item 7) give exactly what the plain way gives: each
 * cluster's releases post-rendered in one kustomize run, and Helm reading each chart from its
 * directory unpacked once, against one kustomize run per release and Helm reading the archive.
 * Real Helm 4 and kustomize, the vendored charts, the example fleet's committed tree and a
 * generated fleet synthesized here; the tools are wrapped to count what ran.
 */
import { spawnSync } from "node:child_process";
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_KUBERNETES_VERSION } from "@flotilla/fleet";
import { archiveRegistry, readVendoredArchives, renderClusterReleases, resolveHelm, resolveKubectl, type Tool, unpackChart } from "@flotilla/helm";
import type { KubeObject } from "@flotilla/render";
import { writeGeneratedFleet } from "../apps/fleet/src/bench/generated-fleet.js";
import { baseApiVersionsFor } from "../apps/fleet/src/helm/fleet-renders.js";
import { vendoredChartDirs } from "../apps/fleet/src/review/chart-dirs.js";
import { repoRoot } from "./support/synth-cli.js";

const main = fileURLToPath(new URL("../apps/fleet/dist/bundle/flotilla.js", import.meta.url));
let work: string;
let log: string;
let helm: Tool;
let kubectl: Tool;
let archives: ReturnType<typeof archiveRegistry>;
const clusters = new Map<string, KubeObject[]>();

/** The tool with a wrapper in front that logs each run's arguments, one line per run. */
async function logged(tool: Tool): Promise<Tool> {
  const wrapper = join(work, `${tool.name}-logged`);
  await writeFile(wrapper, `#!/bin/sh\necho "${tool.name} $*" >> '${log}'\nexec '${tool.path}' "$@"\n`);
  await chmod(wrapper, 0o755);
  return { ...tool, path: wrapper };
}

async function readTree(dir: string): Promise<KubeObject[]> {
  const objects: KubeObject[] = [];
  for (const file of (await readdir(dir, { recursive: true })).sort()) {
    if (!file.endsWith(".yaml") || file.endsWith("kustomization.yaml")) continue;
    for (const document of parseAllDocuments(await readFile(join(dir, file), "utf8"))) {
      const object = document.toJS() as KubeObject | null;
      if (object?.kind) objects.push(object);
    }
  }
  return objects;
}

/** Renders a cluster's releases the fast way (batched, from chart directories) or the plain way, with what ran. */
async function render(objects: readonly KubeObject[], fast: boolean) {
  await writeFile(log, "");
  const renders = await renderClusterReleases(objects, {
    archives,
    kubeVersion: DEFAULT_KUBERNETES_VERSION,
    baseApiVersions: baseApiVersionsFor(objects, DEFAULT_KUBERNETES_VERSION),
    helm,
    kubectl,
    tempDir: work,
    ...(fast ? { chartsDir: join(work, "charts") } : { batch: false }),
  });
  const runs = (await readFile(log, "utf8")).split("\n").filter(Boolean);
  return { renders, helmRuns: runs.filter((run) => run.startsWith("helm template")), kustomizeRuns: runs.filter((run) => run.startsWith("kubectl kustomize")) };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-render-batching-"));
  log = join(work, "runs.log");
  const cacheDir = join(repoRoot, "node_modules/.cache/flotilla");
  helm = await logged(await resolveHelm({ cacheDir }));
  kubectl = await logged(await resolveKubectl({ cacheDir }));
  const vendored = readVendoredArchives(await vendoredChartDirs(repoRoot));
  archives = archiveRegistry(vendored);
  // Unpacked up front (a run unpacks a chart on its fourth render), so that every fast render reads a directory.
  for (const archive of vendored) expect(await unpackChart(archive, join(work, "charts"), helm)).toBeDefined();
  for (const cluster of ["dev", "prod"]) clusters.set(cluster, await readTree(join(repoRoot, "clusters", cluster)));
  const fleet = join(work, "fleet");
  await writeGeneratedFleet(fleet, 2);
  const synth = spawnSync(process.execPath, [main, "synth", "--fleet", fleet, "--out", join(work, "generated"), "--cache-dir", join(work, "cache")], { encoding: "utf8" });
  if (synth.status !== 0) throw new Error(`synth of the generated fleet failed: ${synth.stderr}`);
  for (const cluster of ["cluster-001", "cluster-002"]) clusters.set(cluster, await readTree(join(work, "generated", cluster)));
}, 300_000);
afterAll(async () => rm(work, { recursive: true, force: true }));

describe("a cold render, fast and plain", () => {
  it("gives every release of the example fleet and of a generated fleet the same objects", async () => {
    for (const [cluster, objects] of clusters) {
      const fast = await render(objects, true);
      const plain = await render(objects, false);
      const releases = plain.renders.length;
      expect(releases, cluster).toBeGreaterThanOrEqual(2);
      for (const render of plain.renders) expect(render.result.problems, `${cluster} ${render.name}`).toEqual([]);
      expect(fast.renders, cluster).toEqual(plain.renders);
      // It can only prove something if the fast way was taken: one kustomize run for the cluster, Helm on directories.
      expect(fast.kustomizeRuns, cluster).toHaveLength(1);
      expect(plain.kustomizeRuns, cluster).toHaveLength(releases);
      expect(fast.helmRuns.filter((run) => run.includes(".tgz")), cluster).toEqual([]);
      expect(plain.helmRuns.filter((run) => run.includes(".tgz")), cluster).toHaveLength(releases);
    }
  }, 300_000);

  it("builds each release alone when the batch fails, so each problem is its own release's", async () => {
    const dev = clusters.get("dev")!;
    const argo = dev.find((object) => object.kind === "HelmRelease" && object.metadata.name === "argo-workflows")!;
    const metaflow = dev.find((object) => object.kind === "HelmRelease" && object.metadata.name === "metaflow")!;
    // A second argo release renders the same objects (a conflict only together); metaflow with the
    // chart's defaults renders a repeated key kustomize refuses (a failure of its own).
    const copy = { ...argo, metadata: { ...argo.metadata, name: "argo-workflows-copy" } } as KubeObject;
    const defaults = { ...metaflow, metadata: { ...metaflow.metadata, name: "metaflow-defaults" }, spec: { ...(metaflow.spec as object), targetNamespace: "metaflow-defaults", values: {} } } as KubeObject;
    const objects = [...dev, copy, defaults];
    const fast = await render(objects, true);
    const plain = await render(objects, false);
    expect(fast.renders).toEqual(plain.renders);
    const problems = Object.fromEntries(fast.renders.map((render) => [render.name, render.result.problems.map((problem) => problem.message)]));
    expect(problems["argo-workflows"]).toEqual([]);
    expect(problems["argo-workflows-copy"]).toEqual([]);
    expect(problems["metaflow-defaults"]).toEqual([expect.stringContaining("kustomize cannot parse the chart's output")]);
    expect(fast.kustomizeRuns).toHaveLength(1 + fast.renders.length);
  }, 300_000);

  it("builds a release with post-renderer patches alone (a patch may rename what other releases refer to)", async () => {
    const dev = clusters.get("dev")!;
    const patched = dev.map((object) =>
      object.kind === "HelmRelease" && object.metadata.name === "flyte-core"
        ? ({ ...object, spec: { ...(object.spec as object), postRenderers: [{ kustomize: { patches: [{ target: { kind: "ServiceAccount" }, patch: "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: any\n  annotations:\n    patched: 'yes'\n" }] } }] } } as KubeObject)
        : object,
    );
    const fast = await render(patched, true);
    const plain = await render(patched, false);
    expect(fast.renders).toEqual(plain.renders);
    const flyte = fast.renders.find((render) => render.name === "flyte-core")!;
    expect(flyte.result.objects.filter((object) => object.object.kind === "ServiceAccount").map((object) => (object.object.metadata as { annotations?: Record<string, string> }).annotations?.patched)).toContain("yes");
    expect(fast.kustomizeRuns).toHaveLength(2);
  }, 300_000);
});
