/**
 * The checks over what a cluster would run (@flotilla/review/rendered), each failing on a case
 * built on the real chart: the example fleet's dev HelmReleases with one value changed, rendered by
 * the real Helm 4 from the vendored archives the way helm-controller renders them.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeObject } from "@flotilla/render";
import { readVendoredArchives } from "@flotilla/helm";
import { PLATFORMS } from "@flotilla/platforms";
import { checkRenderedClusters, formatRenderedProblem, type RenderedCluster, type RenderedProblem, valuesEffect } from "@flotilla/review/rendered";
import { renderFleetReleases, vendoredCrds } from "../apps/fleet/src/helm/fleet-renders.js";
// The built modules: the example fleet is found relative to apps/fleet/dist.
import { loadFleetInputs } from "../apps/fleet/dist/fleet-inputs.js";
import { fleetLocations } from "../apps/fleet/dist/fleet-options.js";
import { vendoredChartDirs } from "../apps/fleet/src/review/chart-dirs.js";
import { renderedClusters } from "../apps/fleet/src/review/rendered-clusters.js";
import { repoRoot } from "./support/synth-cli.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let cacheDir: string;
let tree: KubeObject[];
let fleet: Awaited<ReturnType<typeof loadFleetInputs>>;
let archives: ReturnType<typeof readVendoredArchives>;

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "flotilla-rendered-checks-"));
  const loaded = await loadFleetInputs(fleetLocations({}).fleet, fleetLocations({}).identityOutputs);
  if (loaded.problems.length > 0) throw new Error(`the example fleet does not load: ${JSON.stringify(loaded.problems)}`);
  fleet = loaded;
  expect(fleet.clusters.map(({ spec }) => spec.name)).toEqual(["dev", "prod"]);
  archives = readVendoredArchives(await vendoredChartDirs(repoRoot));
  tree = [];
  const root = join(repoRoot, "clusters", "dev");
  for (const file of (await readdir(root, { recursive: true })).sort()) {
    if (!file.endsWith(".yaml") || file.endsWith("kustomization.yaml")) continue;
    for (const document of parseAllDocuments(await readFile(join(root, file), "utf8"))) {
      const object = document.toJS() as KubeObject | null;
      if (object?.kind) tree.push(object);
    }
  }
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

/** The dev cluster with the HelmRelease `name`'s values changed, rendered and checked; every release must render. */
async function check(name: string, change: (values: Json) => void, objects: (tree: KubeObject[]) => KubeObject[] = (all) => all): Promise<RenderedProblem[]> {
  const { renders, problems } = await renderAndCheck(name, change, objects);
  for (const render of renders) expect(render.result.problems).toEqual([]);
  return problems;
}

async function renderAndCheck(name: string, change: (values: Json) => void, objects: (tree: KubeObject[]) => KubeObject[] = (all) => all) {
  const { renders, cluster } = await renderDev(name, change, objects);
  return { renders, problems: checkRenderedClusters([cluster], { crds: vendoredCrds() }) };
}

/** The dev cluster with the HelmRelease `name`'s values changed, rendered: its renders, and the cluster as the checks see it. */
async function renderDev(name: string, change: (values: Json) => void, objects: (tree: KubeObject[]) => KubeObject[] = (all) => all) {
  const changed = objects(tree).map((object) => {
    if (object.kind !== "HelmRelease" || object.metadata.name !== name) return object;
    const copy = structuredClone(object) as Json;
    change(copy.spec.values);
    return copy as KubeObject;
  });
  const renders = await renderFleetReleases([{ cluster: "dev", objects: changed }], { archives, cacheDir });
  if (!renders.ok) throw new Error(renders.toolProblems.join("\n"));
  const clusters = renderedClusters({
    clusters: fleet.clusters.filter(({ spec }) => spec.name === "dev"),
    platforms: PLATFORMS,
    objects: new Map([["dev", changed]]),
    renders: renders.renders,
    plans: fleet.plans,
    outputs: fleet.outputs,
  });
  return { renders: renders.renders.get("dev") ?? [], cluster: clusters[0]! };
}

describe("checks over rendered releases, on the real charts", () => {
  it("pass on the example dev cluster as it is", async () => {
    expect((await check("none", () => {})).map(formatRenderedProblem)).toEqual([]);
  }, 120_000);

  it("server-side apply: a values entry that repeats an env name the chart already sets", async () => {
    const problems = await check("metaflow", (values) => values["metaflow-service"].env.push({ name: "MF_METADATA_DB_NAME", value: "other" }));
    expect(problems.map((problem) => [problem.check, problem.release, problem.object, problem.path])).toEqual([
      ["server-side-apply", "flux-system/metaflow", "Deployment metaflow/metaflow-metaflow-service", '.spec.template.spec.containers[name="metaflow-service"].env[name="MF_METADATA_DB_NAME"]'],
      ["server-side-apply", "flux-system/metaflow", "Deployment metaflow/metaflow-metaflow-service", '.spec.template.spec.initContainers[name="db-migrations"].env[name="MF_METADATA_DB_NAME"]'],
    ]);
    expect(problems[0]!.message).toMatch(/server-side apply .* rejects the object .*apps\/fleet\/src\/clusters\/dev\.ts/);
  }, 120_000);

  it("workload identity: an annotated ServiceAccount whose pods carry no label", async () => {
    const problems = await check("argo-workflows", (values) => delete values.server.podLabels);
    expect(problems.map(formatRenderedProblem)).toEqual([
      expect.stringMatching(/^dev: HelmRelease flux-system\/argo-workflows: Deployment argo\/argo-workflows-server: \.spec\.template\.metadata\.labels\["azure\.workload\.identity\/use"\]: Deployment argo\/argo-workflows-server needs Azure .* are not labelled/),
      expect.stringMatching(/^dev: HelmRelease flux-system\/argo-workflows: ServiceAccount argo\/argo-workflows-server: \.metadata\.annotations\["azure\.workload\.identity\/client-id"\]: ServiceAccount argo\/argo-workflows-server is given identity argo-workflows \(asked for by platforms\.argoWorkflows\), but no pod labelled .* \[workload-identity\]$/),
    ]);
  }, 120_000);

  /** The tree with flotilla's own UI backend Deployment changed. */
  const withUiBackend = (change: (deployment: Json) => void) => (all: KubeObject[]) =>
    all.map((object) => {
      if (object.kind !== "Deployment" || object.metadata.name !== "metaflow-metaflow-ui") return object;
      const copy = structuredClone(object) as Json;
      change(copy);
      return copy as KubeObject;
    });

  it("workload identity: the Metaflow UI backend flotilla renders, without its label", async () => {
    const problems = await check("none", () => {}, withUiBackend((deployment) => delete deployment.spec.template.metadata.labels["azure.workload.identity/use"]));
    expect(problems.map(formatRenderedProblem)).toEqual([
      expect.stringMatching(/^dev: Deployment metaflow\/metaflow-metaflow-ui: \.spec\.template\.metadata\.labels\["azure\.workload\.identity\/use"\]: Deployment metaflow\/metaflow-metaflow-ui needs Azure \(the UI backend reads .*\) but its pods are not labelled/),
      expect.stringMatching(/^dev: ServiceAccount metaflow\/metaflow-ui: .*ServiceAccount metaflow\/metaflow-ui is given identity metaflow-ui \(asked for by platforms\.metaflow\), but no pod labelled/),
    ]);
  }, 120_000);

  it("references and server-side apply: the Metaflow UI backend reading a Secret nothing creates, with an env name twice", async () => {
    const problems = await check(
      "none",
      () => {},
      withUiBackend((deployment) => {
        const env = deployment.spec.template.spec.containers[0].env as Json[];
        env.find((entry) => entry.name === "MF_METADATA_DB_PSWD")!.valueFrom.secretKeyRef.name = "metaflow-db-typo";
        env.push({ name: "LOGLEVEL", value: "INFO" });
      }),
    );
    expect(problems.map((problem) => [problem.check, problem.release, problem.object, problem.path])).toEqual([
      ["server-side-apply", "", "Deployment metaflow/metaflow-metaflow-ui", '.spec.template.spec.containers[name="metaflow-ui"].env[name="LOGLEVEL"]'],
      ["references", "", "Deployment metaflow/metaflow-metaflow-ui", '.spec.template.spec.containers[name="metaflow-ui"].env[name="MF_METADATA_DB_PSWD"].valueFrom.secretKeyRef'],
    ]);
    expect(problems[1]!.message).toMatch(/uses Secret metaflow\/metaflow-db-typo, which nothing creates/);
  }, 120_000);

  it("workload identity: a labelled pod whose ServiceAccount has no client ID", async () => {
    const problems = await check("flyte-core", (values) => (values.flytescheduler = { podLabels: { "azure.workload.identity/use": "true" } }));
    expect(problems.map((problem) => [problem.check, problem.object, problem.path])).toEqual([
      ["workload-identity", "Deployment flyte/flytescheduler", '.spec.template.metadata.labels["azure.workload.identity/use"]'],
    ]);
  }, 120_000);

  it("duplicate keys: a ConfigMap config file with a repeated key", async () => {
    const problems = await check("flyte-core", (values) => (values.storage.custom["enable-multicontainer"] = true));
    expect(problems.map((problem) => [problem.check, problem.object, problem.path])).toEqual(
      ["ConfigMap flyte/datacatalog-config", "ConfigMap flyte/flyte-admin-base-config", "ConfigMap flyte/flyte-propeller-config"].map((object) => ["duplicate-keys", object, '.data["storage.yaml"].storage']),
    );
    expect(problems[0]!.message).toMatch(/storage\.yaml writes "enable-multicontainer" twice under \.storage/);
  }, 120_000);

  it("duplicate keys: every cluster whose ConfigMap carries the config file is told, though the text is parsed once per run", async () => {
    const { cluster } = await renderDev("flyte-core", (values) => (values.storage.custom["enable-multicontainer"] = true));
    const twins: RenderedCluster[] = [cluster, { ...cluster, cluster: "dev-twin" }];
    const problems = checkRenderedClusters(twins, { crds: vendoredCrds() }).filter((problem) => problem.check === "duplicate-keys");
    expect(problems.map((problem) => `${problem.cluster} ${problem.object}`)).toEqual(
      ["dev", "dev-twin"].flatMap((cluster) => ["ConfigMap flyte/datacatalog-config", "ConfigMap flyte/flyte-admin-base-config", "ConfigMap flyte/flyte-propeller-config"].map((object) => `${cluster} ${object}`)),
    );
  }, 120_000);

  it("duplicate keys: chart output that kustomize must parse repeats a key (metaflow-ui's static templates), named by template and key", async () => {
    const { renders, problems } = await renderAndCheck("metaflow", (values) => (values["metaflow-ui"].enabled = true));
    // helm-controller's post-render (kustomize, always: its origin labels) refuses the output: the [render] check says so too.
    expect(renders.find((render) => render.name === "metaflow")!.result.problems.map((problem) => problem.message)).toEqual([expect.stringMatching(/^kustomize cannot parse the chart's output/)]);
    const duplicates = problems.filter((problem) => problem.check === "duplicate-keys");
    expect(duplicates.length).toBeGreaterThan(0);
    for (const problem of duplicates) {
      expect(problem.release).toBe("flux-system/metaflow");
      expect(problem.message).toMatch(/^the template metaflow\/charts\/metaflow-ui\/templates\/\S+ writes "[^"]+"(, "[^"]+")* twice under \.\S+; kustomize, .* refuses such YAML .* In apps\/fleet\/src\/clusters\/dev\.ts, /);
    }
    expect(duplicates.map(formatRenderedProblem)).toContainEqual(expect.stringMatching(/^dev: HelmRelease flux-system\/metaflow: \w+ metaflow\/metaflow-metaflow-ui\S*: \.metadata\.labels: the template metaflow\/charts\/metaflow-ui\/templates\/\S+ writes "app\.kubernetes\.io\/\S+"/));
  }, 120_000);

  it("references: a release that reads a Secret nothing creates", async () => {
    const problems = await check("flyte-core", (values) => (values.common.databaseSecret.name = "flyte-db-typo"));
    expect(new Set(problems.map((problem) => `${problem.check} ${problem.object} ${problem.path}`))).toEqual(
      new Set(["Deployment flyte/datacatalog", "Deployment flyte/flyteadmin", "Deployment flyte/flytescheduler", "Deployment flyte/syncresources"].map((object) => `references ${object} .spec.template.spec.volumes[name="flyte-db-typo"].secret.secretName`)),
    );
    expect(problems[0]!.message).toMatch(/uses Secret flyte\/flyte-db-typo, which nothing creates/);
  }, 120_000);

  it("ownership: an object two releases render, and one flotilla and a release both render", async () => {
    // argo-workflows renders its workflow ServiceAccount in each workflow namespace: in flyte, under
    // the name flyte-core gives flyteadmin's.
    const twoReleases = await check("argo-workflows", (values) => {
      values.controller.workflowNamespaces = ["argo", "flyte"];
      values.workflow.serviceAccount.name = "flyteadmin";
    });
    expect(twoReleases.filter((problem) => problem.check === "ownership").map(formatRenderedProblem)).toEqual(
      ["flux-system/argo-workflows", "flux-system/flyte-core"].map((release) =>
        expect.stringMatching(new RegExp(`^dev: HelmRelease ${release}: ServiceAccount flyte/flyteadmin: \\.metadata\\.name: the chart renders ServiceAccount flyte/flyteadmin, which HelmRelease flux-system/(argo-workflows|flyte-core) also renders: .*keep it in one release.* \\[ownership\\]$`)),
      ),
    );
    // flotilla's tree with a ConfigMap of the name argo-workflows gives its controller's.
    const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "argo-workflows-workflow-controller-configmap", namespace: "argo" }, data: {} } as KubeObject;
    const withFlotilla = await check("none", () => {}, (all) => [...all, configMap]);
    expect(withFlotilla.filter((problem) => problem.check === "ownership").map(formatRenderedProblem)).toEqual([
      expect.stringMatching(/^dev: HelmRelease flux-system\/argo-workflows: ConfigMap argo\/argo-workflows-workflow-controller-configmap: \.metadata\.name: the chart renders .*, which flotilla's tree also renders: helm-controller adopts an object that already exists, .*stop rendering it yourself: remove the setting that renders it \[ownership\]$/),
    ]);
  }, 120_000);

  it("ownership: a cluster-scoped object (no namespace, whatever the release's), and an object of three owners", async () => {
    const clusterRole = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "argo-workflows-view" }, rules: [] } as KubeObject;
    const clusterScoped = await check("none", () => {}, (all) => [...all, clusterRole]);
    expect(clusterScoped.filter((problem) => problem.check === "ownership").map(formatRenderedProblem)).toEqual([
      expect.stringMatching(/^dev: HelmRelease flux-system\/argo-workflows: ClusterRole argo-workflows-view: \.metadata\.name: the chart renders ClusterRole argo-workflows-view, which flotilla's tree also renders: .*so both would own it.* \[ownership\]$/),
    ]);
    const serviceAccount = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "flyteadmin", namespace: "flyte" } } as KubeObject;
    const threeOwners = await check(
      "argo-workflows",
      (values) => {
        values.controller.workflowNamespaces = ["argo", "flyte"];
        values.workflow.serviceAccount.name = "flyteadmin";
      },
      (all) => [...all, serviceAccount],
    );
    expect(threeOwners.filter((problem) => problem.check === "ownership").map(formatRenderedProblem)).toEqual(
      ["flux-system/argo-workflows", "flux-system/flyte-core"].map((release) =>
        expect.stringMatching(new RegExp(`^dev: HelmRelease ${release}: ServiceAccount flyte/flyteadmin: .*, which (flotilla's tree and HelmRelease flux-system/(argo-workflows|flyte-core)) also render: .*so all 3 would own it, .*removing it from any of them deletes it for all\\. In .*stop rendering it yourself.* \\[ownership\\]$`)),
      ),
    );
  }, 120_000);

  it("value types: a table of the chart set to a string, and a plain value set to a table (Helm's coalesce warnings)", async () => {
    const problems = await check("argo-workflows", (values) => {
      values.controller.resources = "2Gi";
      values.controller.logging = { level: { verbose: true } };
    });
    expect(problems.map(formatRenderedProblem)).toEqual([
      expect.stringMatching(
        /^dev: HelmRelease flux-system\/argo-workflows: \.spec\.values\.controller\.logging\.level: the chart's default at controller\.logging\.level is not a table \(info\), but the release sets a table \{"verbose":true\}: Helm keeps the table and drops the chart's value, .*In apps\/fleet\/src\/clusters\/dev\.ts, set controller\.logging\.level to a plain value like the chart's default, or remove it \[value-types\]$/,
      ),
      expect.stringMatching(
        /^dev: HelmRelease flux-system\/argo-workflows: \.spec\.values\.controller\.resources: the chart's default at controller\.resources is a table \(map\[\]\), but the release sets a string "2Gi": Helm keeps "2Gi" and drops the chart's table, .*\(Helm: "warning: cannot overwrite table with non table for argo-workflows\.controller\.resources \(map\[\]\)"\)\. In apps\/fleet\/src\/clusters\/dev\.ts, set controller\.resources to a table of the chart's keys, or remove it \[value-types\]$/,
      ),
    ]);
  }, 120_000);

  it("values effect: a value that changes nothing is found, one that equals the chart's default (of its values, or computed by its templates) is named so", async () => {
    const release = tree.find((object) => object.kind === "HelmRelease" && object.metadata.name === "metaflow")! as Json;
    const effects = await valuesEffect({
      // The image tag equals the chart's appVersion, which the template falls back to: the chart reads it, and renders the same.
      values: { postgresql: { enabled: false }, "metaflow-service": { replicaCount: 1, image: { tag: "v2.4.13" } }, "metaflow-ui": { enabled: false, uiBackend: { replicaCount: 3 } } },
      defaults: (await import("@flotilla/helm")).chartDefaults(archives.find((archive) => archive.name === "metaflow")!) as Json,
      render: async (values: Json) => {
        const objects = tree.map((object) => (object === (release as KubeObject) ? ({ ...release, spec: { ...release.spec, values } } as unknown as KubeObject) : object));
        const renders = await renderFleetReleases([{ cluster: "dev", objects }], { archives, cacheDir });
        if (!renders.ok) throw new Error(renders.toolProblems.join("\n"));
        return JSON.stringify(renders.renders.get("dev")!.find((render) => render.name === "metaflow")!.result.objects.map((entry) => entry.object));
      },
    });
    expect(effects).toEqual([
      { path: ["postgresql", "enabled"], effect: "changes-output" },
      { path: ["metaflow-service", "replicaCount"], effect: "chart-default" },
      { path: ["metaflow-service", "image", "tag"], effect: "computed-default" },
      { path: ["metaflow-ui", "enabled"], effect: "changes-output" },
      { path: ["metaflow-ui", "uiBackend", "replicaCount"], effect: "no-effect" },
    ]);
  }, 240_000);
});
