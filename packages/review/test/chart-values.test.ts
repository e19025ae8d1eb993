import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tar from "tar";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { ChartValuesRegistry, readVendoredCharts, vendoredValuesChecker } from "@flotilla/review";

const defaults = parse(`
configmap:
  adminServer: {}
flyteadmin:
  replicaCount: 1
  serviceAccount:
    create: true
    annotations: {}
  extraArgs: []
  env: ~
storage:
  type: sandbox
`) as unknown;

const checker = vendoredValuesChecker({ chart: "flyte-core", version: "v1.16.8", defaults, source: "packages/flyte/charts/flyte-core-v1.16.8/values.yaml", freeForm: ["configmap.*"] });

describe("the vendored values.yaml checker", () => {
  it("matches its chart and version, with or without a leading v, and nothing else", () => {
    expect(checker.matches({ name: "flyte-core", version: "v1.16.8" })).toBe(true);
    expect(checker.matches({ name: "flyte-core", version: "1.16.8" })).toBe(true);
    expect(checker.matches({ name: "flyte-core", version: ">=1.16.0 <2.0.0" })).toBe(false);
    expect(checker.matches({ name: "flyte-binary", version: "v1.16.8" })).toBe(false);
    expect(new ChartValuesRegistry().register(checker).find({ name: "flyte-core", version: "1.16.8" })).toBe(checker);
  });

  it("accepts known keys, free-form maps ({} and null defaults, lists, listed paths) and global", () => {
    const values = {
      global: { anything: 1 },
      configmap: { adminServer: { server: { httpPort: 8088 } }, newSection: { x: 1 } },
      flyteadmin: { replicaCount: 2, serviceAccount: { annotations: { "azure.workload.identity/client-id": "x" } }, extraArgs: ["--a"], env: { A: "1" } },
    };
    expect(checker.check(values)).toEqual([]);
  });

  it("reports unknown keys with the closest known one, and a map where values.yaml has a scalar", () => {
    expect(checker.check({ flyteadmin: { replicas: 2, serviceAccount: { create: { nested: true } } }, storge: {} })).toEqual([
      { path: ".flyteadmin.replicas", message: expect.stringMatching(/^unknown field \(known fields: replicaCount, env, .*\): not a value of flyte-core v1\.16\.8 \(packages\/flyte\/charts\/flyte-core-v1\.16\.8\/values\.yaml\)$/) },
      { path: ".flyteadmin.serviceAccount.create", message: "flyte-core v1.16.8 expects a boolean here (values.yaml default true), not a map" },
      { path: ".storge", message: expect.stringMatching(/^unknown field \(did you mean "storage"\?/) },
    ]);
  });
});

describe("readVendoredCharts", () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it("makes one checker per <chart>-<version>.tgz archive, with the package's free-form paths, skipping other entries and missing directories", async () => {
    const root = await mkdtemp(join(tmpdir(), "flotilla-charts-"));
    dirs.push(root);
    await mkdir(join(root, "src", "argo-workflows"), { recursive: true });
    await writeFile(join(root, "src", "argo-workflows", "Chart.yaml"), "apiVersion: v2\nname: argo-workflows\nversion: 0.47.5\n");
    await writeFile(join(root, "src", "argo-workflows", "values.yaml"), "controller:\n  replicas: 1\nserver: {a: 1}\n");
    await mkdir(join(root, "charts"));
    await tar.create({ gzip: true, file: join(root, "charts", "argo-workflows-0.47.5.tgz"), cwd: join(root, "src") }, ["argo-workflows"]);
    await writeFile(join(root, "charts", "argo-workflows-0.47.5.free-form.yaml"), "- server.extra\n");
    await writeFile(join(root, "charts", "SOURCES.md"), "where the charts come from\n");
    const checkers = await readVendoredCharts([join(root, "charts"), join(root, "missing")], { displayName: (path) => path.slice(root.length + 1) });
    expect(checkers.map((c) => c.description)).toEqual(["argo-workflows 0.47.5 (charts/argo-workflows-0.47.5.tgz)"]);
    expect(checkers[0]!.check({ controller: { replica: 2 }, server: { extra: { any: 1 }, b: 2 } })).toEqual([
      { path: ".controller.replica", message: expect.stringContaining('did you mean "replicas"?') },
      { path: ".server.b", message: expect.stringContaining("not a value of argo-workflows 0.47.5") },
    ]);
  });
});
