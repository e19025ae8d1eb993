/**
 * Argo Workflows and Metaflow in memory: spec → identity plan → cluster chart → vendored values.
 * The rendered values carry the essentials of ../shared/charts/AZURE-NOTES.md; Metaflow needs and
 * waits for Argo; disabling a platform removes its objects and identities.
 */
import { join } from "node:path";
import { App } from "cdk8s";
import { describe, expect, it } from "vitest";
import { ClusterChart, clusterDocuments } from "@flotilla/cluster";
import { type ClusterSpec, clusterSpecSchemaFor } from "@flotilla/fleet";
import { readVendoredCharts } from "@flotilla/review";
import { type IdentityOutputs, planClusterIdentities } from "@flotilla/workload-identity";
import { validCluster } from "./support/fixture-fleet.js";
import { repoRoot } from "./support/synth-cli.js";
import { PLATFORMS } from "@flotilla/platforms";

const AGE = "age1qcd9gd8rhpwsezw43s8yltsu357jw5yvlv9s5xa0x84vxh79hf0qc97mw9";
const CLIENT_ID = "azure.workload.identity/client-id";
const USE = { "azure.workload.identity/use": "true" };
const ARGO = { storage: { account: "stalphaargo", container: "artifacts" }, database: { host: "psql-alpha.postgres.database.azure.com" } };
const METAFLOW = { storage: { account: "stalphametaflow", container: "metaflow" }, database: { host: "psql-alpha.postgres.database.azure.com" } };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered objects are arbitrary JSON
type Json = Record<string, any>;

function parse(platforms: Record<string, unknown>) {
  return clusterSpecSchemaFor(PLATFORMS).safeParse({ ...validCluster("alpha"), sops: { age: [AGE] }, platforms });
}

function spec(platforms: Record<string, unknown>): ClusterSpec {
  const result = parse(platforms);
  if (!result.success) throw new Error(JSON.stringify(result.error.issues));
  return result.data;
}

const clientIdOf = (key: string) => `11111111-0000-4000-8000-${{ metaflow: "000000000002", "metaflow-ui": "000000000003" }[key] ?? "000000000001"}`;

function render(cluster: ClusterSpec) {
  const { plan, problems } = planClusterIdentities(cluster, PLATFORMS);
  expect(problems).toEqual([]);
  const outputs: IdentityOutputs = {
    cluster: cluster.name,
    tenantId: cluster.azure.tenantId,
    identities: Object.fromEntries(plan.identities.map((identity) => [identity.key, { clientId: clientIdOf(identity.key), principalId: "33333333-0000-4000-8000-000000000000", resourceId: identity.resourceId }])),
  };
  const chart = new ClusterChart(new App(), cluster, { platforms: PLATFORMS, identities: { plan, outputs }, encryptedSecrets: cluster.secrets });
  const { dirs, documents } = clusterDocuments(chart);
  const objects = documents.map((document) => ({ dir: document.dir, object: document.object as Json }));
  const find = (kind: string, name: string) => objects.find((entry) => entry.object.kind === kind && entry.object.metadata.name === name);
  return { plan, dirs, objects, find };
}

async function checkerFor(chart: string, version: string) {
  const checkers = await readVendoredCharts([join(repoRoot, "packages/argo-workflows/charts"), join(repoRoot, "packages/metaflow/charts")]);
  const checker = checkers.find((candidate) => candidate.matches({ name: chart, version }));
  expect(checker, `${chart} ${version}`).toBeDefined();
  return checker!;
}

describe("platforms.argoWorkflows", () => {
  it("renders the 0.47.5 chart (Argo v3.7) with Blob artifacts by SDK credentials, workload identity and the PostgreSQL archive", async () => {
    const cluster = spec({ argoWorkflows: ARGO });
    expect(cluster.secrets).toEqual([{ namespace: "argo", name: "argo-db", keys: ["password", "username"], origin: "platforms.argoWorkflows.database" }]);
    const { find, plan } = render(cluster);
    const release = find("HelmRelease", "argo-workflows")!.object;
    expect(release.spec.chart.spec).toMatchObject({ chart: "argo-workflows", version: "0.47.5" });
    const values = release.spec.values as Json;
    expect(values.artifactRepository).toEqual({
      archiveLogs: true,
      azure: { endpoint: "https://stalphaargo.blob.core.windows.net", container: "artifacts", useSDKCreds: true },
    });
    const clientId = clientIdOf("argo-workflows");
    for (const account of [values.controller.serviceAccount, values.server.serviceAccount, values.workflow.serviceAccount]) {
      expect(account).toMatchObject({ create: true, annotations: { [CLIENT_ID]: clientId } });
    }
    expect(values.controller.podLabels).toEqual(USE);
    expect(values.server.podLabels).toEqual(USE);
    expect(values.controller.workflowDefaults.spec).toEqual({ serviceAccountName: "argo-workflow", podMetadata: { labels: USE } });
    expect(values.controller.persistence).toEqual({
      archive: true,
      postgresql: {
        host: "psql-alpha.postgres.database.azure.com",
        port: 5432,
        database: "argo",
        tableName: "argo_workflows",
        userNameSecret: { name: "argo-db", key: "username" },
        passwordSecret: { name: "argo-db", key: "password" },
        ssl: true,
        sslMode: "require",
      },
    });
    expect((await checkerFor("argo-workflows", "0.47.5")).check(values)).toEqual([]);
    const identity = plan.identities.find((entry) => entry.key === "argo-workflows")!;
    expect(identity.federatedCredentials.map((credential) => credential.subject)).toEqual([
      "system:serviceaccount:argo:argo-workflow",
      "system:serviceaccount:argo:argo-workflows-server",
      "system:serviceaccount:argo:argo-workflows-workflow-controller",
    ]);
    expect(find("Kustomization", "platform-argo-workflows")!.object.spec.healthChecks).toEqual([
      { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", name: "argo-workflows", namespace: "flux-system" },
    ]);
  });

  it("a workflow namespace listed twice is a problem of the setting, not a ServiceAccount federated twice", () => {
    const { problems } = planClusterIdentities(spec({ argoWorkflows: { ...ARGO, workflowNamespaces: ["argo", "argo"] } }), PLATFORMS);
    expect(problems).toEqual([
      { cluster: "alpha", path: "platforms.argoWorkflows.workflowNamespaces", message: expect.stringMatching(/^identity "argo-workflows" .* would federate ServiceAccount argo\/argo-workflow twice: two entries of workflowNamespaces give the same ServiceAccount; list each once$/) },
    ]);
  });

  it("workflow namespaces must be rendered by the cluster", () => {
    const result = parse({ argoWorkflows: { ...ARGO, workflowNamespaces: ["argo", "team-a"] } });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(/namespace \\"team-a\\" is not rendered by this cluster/);
  });
});

describe("platforms.metaflow", () => {
  it("needs Argo Workflows", () => {
    const result = parse({ metaflow: METAFLOW });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain("add platforms.argoWorkflows too");
  });

  it("renders the metaflow 0.1.2 chart on PostgreSQL, its UI beside it (helm-controller cannot install the chart's), flows with workload identity, after Argo", async () => {
    const { find, plan, objects } = render(spec({ argoWorkflows: ARGO, metaflow: METAFLOW }));
    const release = find("HelmRelease", "metaflow")!.object;
    expect(release.spec.chart.spec).toMatchObject({ chart: "metaflow", version: "0.1.2" });
    const values = release.spec.values as Json;
    expect(values.postgresql).toEqual({ enabled: false });
    const passwordEnv = { name: "MF_METADATA_DB_PSWD", valueFrom: { secretKeyRef: { name: "metaflow-db", key: "password" } } };
    expect(values["metaflow-service"].env).toContainEqual({ name: "MF_METADATA_DB_SSL_MODE", value: "require" });
    expect(values["metaflow-service"].env).toContainEqual(passwordEnv);
    expect(values["metaflow-service"].metadatadb).toMatchObject({ host: "psql-alpha.postgres.database.azure.com", password: "" });
    // The UI subchart repeats label keys, which kustomize (helm-controller's post-render) refuses:
    // flotilla renders the UI in the same layer instead (test/metaflow-ui.test.ts compares it with the chart).
    expect(values["metaflow-ui"]).toEqual({ enabled: false });
    for (const name of ["metaflow-metaflow-ui", "metaflow-metaflow-ui-static"]) {
      expect(find("Deployment", name)?.dir, name).toBe("platform-metaflow");
      expect(find("Service", name)?.dir, name).toBe("platform-metaflow");
    }
    expect(find("ServiceAccount", "metaflow-ui")!.object.metadata.annotations[CLIENT_ID]).toBe(clientIdOf("metaflow-ui"));
    expect(JSON.stringify(values)).not.toContain("AZURE_CLIENT_SECRET");
    expect(release.spec.postRenderers).toBeUndefined();
    expect((await checkerFor("metaflow", "0.1.2")).check(values)).toEqual([]);
    // Flux: after Argo Workflows.
    expect(find("Kustomization", "platform-metaflow")!.object.spec.dependsOn).toEqual([{ name: "infrastructure" }, { name: "platform-argo-workflows" }]);
    // Flux waits for the release and for the UI Deployments, which the release does not cover.
    expect(find("Kustomization", "platform-metaflow")!.object.spec.healthChecks).toEqual([
      { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", name: "metaflow", namespace: "flux-system" },
      { apiVersion: "apps/v1", kind: "Deployment", name: "metaflow-metaflow-ui", namespace: "metaflow" },
      { apiVersion: "apps/v1", kind: "Deployment", name: "metaflow-metaflow-ui-static", namespace: "metaflow" },
    ]);
    // Task pods: a synth-rendered ServiceAccount in the Argo namespace, bound to the workflow Role.
    const tasks = find("ServiceAccount", "metaflow-tasks")!;
    expect(tasks.dir).toBe("infrastructure");
    expect(tasks.object.metadata.annotations[CLIENT_ID]).toBe(clientIdOf("metaflow"));
    expect(find("HelmRelease", "argo-workflows")!.object.spec.values.workflow.rbac.serviceAccounts).toEqual([{ name: "metaflow-tasks", namespace: "argo" }]);
    const config = JSON.parse(find("ConfigMap", "metaflow-config")!.object.data["config.json"]) as Record<string, string>;
    expect(config).toMatchObject({ METAFLOW_KUBERNETES_SERVICE_ACCOUNT: "metaflow-tasks", METAFLOW_KUBERNETES_NAMESPACE: "argo", METAFLOW_KUBERNETES_LABELS: "azure.workload.identity/use=true", METAFLOW_DEFAULT_DATASTORE: "azure" });
    const identity = plan.identities.find((entry) => entry.key === "metaflow")!;
    expect(identity.federatedCredentials.map((credential) => [credential.subject, credential.serviceAccount !== undefined])).toEqual([
      ["system:serviceaccount:argo:metaflow-tasks", true],
    ]);
    // The datastore, and Argo's artifact container where the executor archives the task pods' logs.
    expect(identity.roleAssignments.map((assignment) => [assignment.roleName, assignment.scope.replace(/^.*storageAccounts\//, "")])).toEqual([
      ["Storage Blob Data Contributor", "stalphaargo/blobServices/default/containers/artifacts"],
      ["Storage Blob Data Contributor", "stalphametaflow/blobServices/default/containers/metaflow"],
    ]);
    expect(objects.some((entry) => entry.object.kind === "Namespace" && entry.object.metadata.name === "metaflow" && entry.dir === "infrastructure")).toBe(true);
  });

  it("a misspelled subchart key is reported against the subchart's values", async () => {
    const problems = (await checkerFor("metaflow", "0.1.2")).check({ "metaflow-ui": { uiBackend: { metaflowDefaultDatastor: "azure" } } });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe(".metaflow-ui.uiBackend.metaflowDefaultDatastor");
    expect(problems[0]!.message).toContain('did you mean "metaflowDefaultDatastore"?');
  });

  it("disabling Metaflow removes its layer, objects and identity but keeps Argo", () => {
    const { dirs, plan, find } = render(spec({ argoWorkflows: ARGO }));
    expect(dirs).toContain("platform-argo-workflows");
    expect(dirs).not.toContain("platform-metaflow");
    expect(find("HelmRelease", "metaflow")).toBeUndefined();
    expect(find("ServiceAccount", "metaflow-tasks")).toBeUndefined();
    expect(find("Deployment", "metaflow-metaflow-ui")).toBeUndefined();
    expect(find("ServiceAccount", "metaflow-ui")).toBeUndefined();
    expect(plan.identities.map((identity) => identity.key)).toEqual(["argo-workflows"]);
    expect(find("HelmRelease", "argo-workflows")!.object.spec.values.workflow.rbac).toBeUndefined();
  });
});
