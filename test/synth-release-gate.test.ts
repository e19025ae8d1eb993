/**
 * Synth refuses a tree that fails the checks over what each cluster would run (the ones
 * `pnpm validate` runs): every HelmRelease of the tree about to be written is rendered with the
 * real Helm 4 and the vendored chart, and on any problem synth prints them all and writes nothing:
 * through `synth()` with a platform registry whose values repeat an env name, and through the
 * built CLI with a cluster setting the real chart turns into an identity nothing can use.
 */
import { chmod, readdir, stat, writeFile, readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { definePlatforms } from "@flotilla/fleet";
import { resolveHelm } from "@flotilla/helm";
import { metaflowValues } from "@flotilla/metaflow/model";
import { PLATFORMS } from "@flotilla/platforms";
import { fleetLocations } from "../apps/fleet/src/fleet-options.js";
import { synth } from "../apps/fleet/src/synth.js";
import { copyExampleFleet, editFile } from "./support/example-fleet-copy.js";
import { flotilla, repoRoot } from "./support/flotilla-cli.js";
import { tempDirs } from "./support/temp-dirs.js";
import { synthCli } from "./support/synth-cli.js";
import { snapshotTree } from "./support/tree-snapshot.js";

const tempDir = tempDirs();

/** Metaflow whose HelmRelease also sets an env entry the chart already sets (MF_METADATA_DB_NAME, from metadatadb.name). */
const REPEATING_ENV = definePlatforms(
  PLATFORMS.map((platform) =>
    platform.key !== "metaflow"
      ? platform
      : {
          ...platform,
          render: (scope, context) => {
            const rendered = platform.render(scope, context);
            const env = (metaflowValues({ metaflow: context.spec as never })["metaflow-service"] as { env: unknown[] }).env;
            rendered.release.setValue(["metaflow-service", "env"], [...env, { name: "MF_METADATA_DB_NAME", value: "metaflow-other" }]);
            return rendered;
          },
        },
  ),
);

describe("synth refuses a tree whose releases fail the rendered checks", () => {
  it("a values entry that repeats an env name the real chart sets: every problem printed, nothing written", async () => {
    const work = await tempDir("flotilla-gate-");
    const outDir = join(work, "clusters");
    const releases = { cacheDir: join(work, "cache"), cache: true };
    const base = { ...fleetLocations({}), outDir, check: false, releases };
    expect(await synth(base)).toMatchObject({ kind: "written", clusters: ["dev", "prod"] });
    const before = await snapshotTree(outDir);

    const refused = await synth({ ...base, platforms: REPEATING_ENV });
    expect(refused.kind).toBe("invalid");
    if (refused.kind !== "invalid") return;
    expect(refused.problems).toEqual([]);
    expect(refused.releases.problems).toEqual([]);
    expect(refused.releases.unrendered).toEqual([]);
    // Both clusters, each container of the Deployment that lists the env (the service and its db-migrations init container).
    expect(refused.releases.rendered.map((problem) => [problem.check, problem.cluster, problem.release, problem.object, problem.path])).toEqual(
      ["dev", "prod"].flatMap((cluster) => [
        ["server-side-apply", cluster, "flux-system/metaflow", "Deployment metaflow/metaflow-metaflow-service", '.spec.template.spec.containers[name="metaflow-service"].env[name="MF_METADATA_DB_NAME"]'],
        ["server-side-apply", cluster, "flux-system/metaflow", "Deployment metaflow/metaflow-metaflow-service", '.spec.template.spec.initContainers[name="db-migrations"].env[name="MF_METADATA_DB_NAME"]'],
      ]),
    );
    expect(refused.releases.rendered[0]!.message).toMatch(/server-side apply .* rejects the object .* Remove the entry from the release's values in apps\/fleet\/src\/clusters\/dev\.ts/);
    expect(await snapshotTree(outDir)).toEqual(before);
  }, 180_000);
});

describe("synth as a user types it refuses a cluster file whose release the checks reject", () => {
  it("Argo Workflows moved to a team namespace: the chart still creates the workflow ServiceAccount in its own namespace, with the identity but no federation and no pod", async () => {
    const work = await tempDir("flotilla-gate-cli-");
    const { fleet, out } = await copyExampleFleet(work);
    // argo-workflows 0.47.5 renders the workflow ServiceAccount in every workflowNamespaces entry and
    // in the release namespace (`append … .Release.Namespace | uniq`), annotated with the identity's
    // client ID; the identity plan federates only the namespaces the cluster file lists.
    await editFile(join(fleet, "prod.ts"), '      storage: { account: "stmlprodargo", container: "artifacts" },', '      storage: { account: "stmlprodargo", container: "artifacts" },\n      workflowNamespaces: ["analytics-prod"],');
    const before = await snapshotTree(out);

    const result = synthCli("--fleet", fleet, "--out", out);
    expect(result.stdout).toBe("");
    expect(result.code).toBe(1);
    const prod = join(fleet, "prod.ts");
    const annotation = '.metadata.annotations["azure.workload.identity/client-id"]';
    expect(result.stderr.trimEnd().split("\n")).toEqual([
      `prod: HelmRelease flux-system/argo-workflows: ServiceAccount argo/argo-workflow: ${annotation}: ServiceAccount argo/argo-workflow carries the client ID of identity argo-workflows (asked for by platforms.argoWorkflows), but the identity plan has no federated credential for system:serviceaccount:argo:argo-workflow: Entra rejects its tokens (AADSTS70021). In ${prod}, change platforms.argoWorkflows so that the identity federates argo/argo-workflow (or the chart no longer creates it annotated), then run bootstrap apply [workload-identity]`,
      `prod: HelmRelease flux-system/argo-workflows: ServiceAccount argo/argo-workflow: ${annotation}: ServiceAccount argo/argo-workflow is given identity argo-workflows (asked for by platforms.argoWorkflows), but no pod labelled azure.workload.identity/use: "true" runs as it, so nothing can use the identity. In ${prod}, label the pods that run as argo/argo-workflow (the platform's podLabels, or a post-renderer where the chart has none), or remove the identity [workload-identity]`,
      "2 problem(s) in what the clusters would run (every HelmRelease rendered with the real Helm 4 as helm-controller installs it).",
      `${out}/ was not changed.`,
    ]);
    expect(await snapshotTree(out)).toEqual(before);
  }, 180_000);
});

describe("the built CLI renders every release before writing, with the render cache", () => {
  let shim: string;
  let log: string;
  beforeAll(async () => {
    // A Helm 4 on PATH is used first: this one is the real helm, logging each call.
    const real = await resolveHelm({ cacheDir: join(repoRoot, "node_modules/.cache/flotilla") });
    shim = await tempDir("flotilla-helm-shim-");
    log = join(shim, "calls.log");
    await writeFile(join(shim, "helm"), `#!/bin/sh\necho "$1" >> "${log}"\nexec "${real.path}" "$@"\n`);
    await chmod(join(shim, "helm"), 0o755);
  });
  const templateCalls = async () => (await readFile(log, "utf8").catch(() => "")).split("\n").filter((line) => line === "template").length;
  const entries = async (dir: string) => {
    const files = await readdir(join(dir, "helm-renders")).catch(() => [] as string[]);
    return new Map(await Promise.all(files.sort().map(async (file) => [file, (await stat(join(dir, "helm-renders", file))).mtimeMs] as const)));
  };

  it("the example fleet still synths: cold renders every release, warm renders none, --no-cache renders again without touching the cache", async () => {
    const cacheDir = await tempDir("flotilla-gate-cache-");
    const run = (...args: string[]) => {
      const started = performance.now();
      const result = flotilla(["synth", "--check", "--cache-dir", cacheDir, ...args], { env: { PATH: `${shim}:${process.env.PATH}` } });
      return { ...result, seconds: (performance.now() - started) / 1000 };
    };
    const cold = run();
    expect(cold.stderr).toBe("");
    expect(cold.code).toBe(0);
    expect(cold.stdout).toMatch(/is up to date \(2 clusters\)/);
    expect(await templateCalls()).toBe(6); // flyte-core, argo-workflows, metaflow in dev and prod
    const cached = await entries(cacheDir);
    expect(cached.size).toBe(6);

    const warm = run();
    expect(warm.code).toBe(0);
    expect(await templateCalls()).toBe(6);
    expect(await entries(cacheDir)).toEqual(cached);

    const uncached = run("--no-cache");
    expect(uncached.code).toBe(0);
    expect(await templateCalls()).toBe(12);
    expect(await entries(cacheDir)).toEqual(cached);
    console.log(`synth --check of the example fleet: cold ${cold.seconds.toFixed(2)} s, warm ${warm.seconds.toFixed(2)} s, --no-cache ${uncached.seconds.toFixed(2)} s`);
  }, 180_000);
});
