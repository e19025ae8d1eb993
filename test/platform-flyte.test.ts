/**
 * Flyte end to end in memory: the spec (`platforms.flyte`) → the identity plan → the cluster chart
 * (platform layer, HelmRelease values) → the vendored flyte-core values.yaml. Checks the essentials
 * of ../shared/charts/AZURE-NOTES.md, the 20-credential limit, and that disabling the platform
 * removes its objects, identities and Secret reference.
 */
import { join } from "node:path";
import { App } from "cdk8s";
import { describe, expect, it } from "vitest";
import { ClusterChart, clusterDocuments } from "@flotilla/cluster";
import { type ClusterSpec, clusterSpecSchemaFor, renderedNamespaces } from "@flotilla/fleet";
import { FLYTE_CHART } from "@flotilla/flyte";
import { podSchedulingFor } from "@flotilla/karpenter";
import { readVendoredCharts } from "@flotilla/review";
import { type IdentityOutputs, planClusterIdentities } from "@flotilla/workload-identity";
import { validCluster } from "./support/fixture-fleet.js";
import { repoRoot } from "./support/synth-cli.js";
import { PLATFORMS } from "@flotilla/platforms";

const AGE = "age1qcd9gd8rhpwsezw43s8yltsu357jw5yvlv9s5xa0x84vxh79hf0qc97mw9";
const CLIENT_ID = "azure.workload.identity/client-id";
const BACKEND = "11111111-0000-4000-8000-000000000001";
const TASKS = "11111111-0000-4000-8000-000000000002";

function spec(flyte: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}): ClusterSpec {
  const result = clusterSpecSchemaFor(PLATFORMS).safeParse({
    ...validCluster("alpha"),
    sops: { age: [AGE] },
    ...(flyte === undefined ? {} : { platforms: { flyte } }),
    ...extra,
  });
  if (!result.success) throw new Error(JSON.stringify(result.error.issues));
  return result.data;
}

const FLYTE = {
  storage: { account: "stmlalphaflyte", container: "flyte" },
  database: { host: "psql-alpha.postgres.database.azure.com" },
  projects: ["flytesnacks", "ranking"],
};

function outputsFor(cluster: ClusterSpec): IdentityOutputs {
  const plan = planClusterIdentities(cluster, PLATFORMS).plan;
  const ids: Record<string, string> = { "flyte-backend": BACKEND, "flyte-tasks": TASKS };
  return {
    cluster: cluster.name,
    tenantId: cluster.azure.tenantId,
    identities: Object.fromEntries(
      plan.identities.map((identity) => [identity.key, { clientId: ids[identity.key] ?? "22222222-0000-4000-8000-000000000000", principalId: "33333333-0000-4000-8000-000000000000", resourceId: identity.resourceId }]),
    ),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered objects are arbitrary JSON
type Json = Record<string, any>;

function render(cluster: ClusterSpec) {
  const { plan, problems } = planClusterIdentities(cluster, PLATFORMS);
  expect(problems).toEqual([]);
  const chart = new ClusterChart(new App(), cluster, { platforms: PLATFORMS, identities: { plan, outputs: outputsFor(cluster) }, encryptedSecrets: cluster.secrets });
  const { dirs, documents } = clusterDocuments(chart);
  return { plan, dirs, documents: documents.map((document) => ({ dir: document.dir, object: document.object as Json })) };
}

describe("Flyte's objects name its setting", () => {
  it("its layer's Flux Kustomization (at the cluster root), namespace and HelmRelease record platforms.flyte", () => {
    const { plan } = planClusterIdentities(spec(FLYTE), PLATFORMS);
    const chart = new ClusterChart(new App(), spec(FLYTE), { platforms: PLATFORMS, identities: { plan, outputs: outputsFor(spec(FLYTE)) } });
    const origin = (kind: string, name: string) => clusterDocuments(chart).documents.find((d) => (d.object as Json).kind === kind && (d.object as Json).metadata.name === name)?.origin;
    expect([origin("Kustomization", "platform-flyte"), origin("Namespace", "flyte"), origin("HelmRelease", "flyte-core")]).toEqual(["platforms.flyte", "platforms.flyte", "platforms.flyte"]);
    // The cluster's own layers come from several settings: no single one to name.
    expect(origin("Kustomization", "infrastructure")).toBeUndefined();
  });
});

function helmRelease(documents: { object: Json }[]): Json {
  const found = documents.filter((document) => document.object.kind === "HelmRelease" && document.object.metadata.name === "flyte-core");
  expect(found).toHaveLength(1);
  return found[0]!.object;
}

describe("platforms.flyte", () => {
  it("fills defaults, adds its namespace and the password Secret reference", () => {
    const cluster = spec(FLYTE);
    expect(cluster.platforms.flyte).toEqual({
      namespace: "flyte",
      storage: { account: "stmlalphaflyte", container: "flyte", resourceGroup: "rg-alpha" },
      database: { host: "psql-alpha.postgres.database.azure.com", database: "flyte", username: "flyte", passwordSecret: "flyte-db" },
      projects: ["flytesnacks", "ranking"],
      domains: ["development", "staging", "production"],
    });
    expect(renderedNamespaces(cluster)).toContain("flyte");
    expect(cluster.secrets).toEqual([{ namespace: "flyte", name: "flyte-db", keys: ["pass.txt"], origin: "platforms.flyte.database" }]);
  });

  it("needs sops recipients and reports unknown fields with their path", () => {
    const noSops = clusterSpecSchemaFor(PLATFORMS).safeParse({ ...validCluster("alpha"), platforms: { flyte: FLYTE } });
    expect(noSops.success).toBe(false);
    expect(JSON.stringify(noSops.error?.issues)).toMatch(/required with platforms \(flyte\)/);
    const typo = clusterSpecSchemaFor(PLATFORMS).safeParse({ ...validCluster("alpha"), sops: { age: [AGE] }, platforms: { flyte: { ...FLYTE, projets: ["x"] } } });
    expect(typo.success).toBe(false);
    expect(JSON.stringify(typo.error?.issues)).toContain("projets");
  });

  it("plans the backend and task identities: FICs for the chart's ServiceAccounts, Blob role on the container only", () => {
    const { plan } = planClusterIdentities(spec(FLYTE), PLATFORMS);
    const backend = plan.identities.find((identity) => identity.key === "flyte-backend")!;
    const tasks = plan.identities.find((identity) => identity.key === "flyte-tasks")!;
    expect(backend.name).toBe("id-alpha-flyte-backend");
    expect(backend.federatedCredentials.map((credential) => credential.subject)).toEqual([
      "system:serviceaccount:flyte:datacatalog",
      "system:serviceaccount:flyte:flyteadmin",
      "system:serviceaccount:flyte:flytepropeller",
    ]);
    expect(tasks.federatedCredentials.map((credential) => credential.name)).toEqual([
      "flytesnacks-development-default",
      "flytesnacks-production-default",
      "flytesnacks-staging-default",
      "ranking-development-default",
      "ranking-production-default",
      "ranking-staging-default",
    ]);
    for (const identity of [backend, tasks]) {
      for (const credential of identity.federatedCredentials) {
        expect(credential.serviceAccount).toBeUndefined(); // the chart creates it, not synth
        expect(credential.platformServiceAccount?.platform).toBe("flyte");
      }
      expect(identity.roleAssignments.map((assignment) => [assignment.roleName, assignment.scope])).toEqual([
        [
          "Storage Blob Data Contributor",
          "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-alpha/providers/Microsoft.Storage/storageAccounts/stmlalphaflyte/blobServices/default/containers/flyte",
        ],
      ]);
    }
  });

  it("refuses more than 20 project-domain namespaces on the task identity, naming the field", () => {
    const projects = ["a1", "a2", "a3", "a4", "a5", "a6", "a7"];
    const { problems } = planClusterIdentities(spec({ ...FLYTE, projects }), PLATFORMS);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe("platforms.flyte.projects");
    expect(problems[0]!.message).toMatch(/"flyte-tasks" .* 21 federated credentials.* at most 20 per managed identity: reduce projects/);
  });

  it("refuses projects and domains that give one task namespace twice, naming the field", () => {
    const problems = (flyte: Record<string, unknown>) => {
      const result = clusterSpecSchemaFor(PLATFORMS).safeParse({ ...validCluster("alpha"), sops: { age: [AGE] }, platforms: { flyte } });
      return result.success ? [] : result.error.issues.map((issue) => [issue.path.join("."), issue.message]);
    };
    // "a-b" + "c" and "a" + "b-c" both give the namespace a-b-c.
    expect(problems({ ...FLYTE, projects: ["a-b", "a"], domains: ["c", "b-c"] })).toEqual([
      ["platforms.flyte.projects", 'project "a-b" with domain "c" and project "a" with domain "b-c" both give the task namespace a-b-c: rename a project or a domain so that each <project>-<domain> is distinct'],
    ]);
    // A repeated domain (against the default projects) and a repeated project, each named.
    expect(problems({ ...FLYTE, domains: ["dev", "prod", "dev"] })).toEqual([["platforms.flyte.domains.2", 'repeats "dev" (also domains[0]): list each domain once']]);
    expect(problems({ ...FLYTE, projects: ["p", "p"] })).toEqual([["platforms.flyte.projects.1", 'repeats "p" (also projects[0]): list each project once']]);
    // The identity plan still refuses it for a spec that bypassed the schema.
    const bypassed = spec(FLYTE);
    const { problems: planned } = planClusterIdentities({ ...bypassed, platforms: { ...bypassed.platforms, flyte: { ...bypassed.platforms.flyte!, projects: ["a-b", "a"], domains: ["c", "b-c"] } } }, PLATFORMS);
    expect(planned.map((problem) => problem.path)).toEqual(["platforms.flyte.projects"]);
  });

  it("refuses a spec identity that takes a platform identity's name", () => {
    const cluster = spec(FLYTE, { namespaces: [{ name: "team" }], identities: [{ name: "flyte-backend", serviceAccounts: [{ namespace: "team", name: "runner" }] }] });
    const { problems } = planClusterIdentities(cluster, PLATFORMS);
    expect(problems.map((problem) => problem.path)).toContain("identities[0].name");
  });

  it("renders its own Flux Kustomization health-checking the pinned HelmRelease, with the Azure values", () => {
    const { dirs, documents } = render(spec(FLYTE));
    expect(dirs).toContain("platform-flyte");
    const kustomization = documents.find((document) => document.object.kind === "Kustomization" && document.object.metadata.name === "platform-flyte")!.object;
    expect(kustomization.spec).toMatchObject({
      path: "./clusters/alpha/platform-flyte",
      dependsOn: [{ name: "infrastructure" }],
      wait: false,
      healthChecks: [{ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", name: "flyte-core", namespace: "flux-system" }],
    });
    const namespace = documents.find((document) => document.object.kind === "Namespace" && document.object.metadata.name === "flyte");
    expect(namespace?.dir).toBe("infrastructure");

    const release = helmRelease(documents);
    expect(release.spec.chart.spec).toEqual({ chart: "flyte-core", version: "v1.16.8", sourceRef: { kind: "HelmRepository", name: "flyte" } });
    expect(release.spec.install.remediation.retries).toBeGreaterThan(0);
    expect(release.spec.upgrade.remediation.retries).toBeGreaterThan(0);
    const values = release.spec.values as Json;
    // Blob Storage through stow, account and container from the spec, no key.
    // enable-multicontainer through the chart's own value: inside custom the chart wrote it twice.
    expect(values.storage).toEqual({
      type: "custom",
      enableMultiContainer: true,
      custom: { container: "flyte", connection: {}, type: "stow", stow: { kind: "azure", config: { account: "stmlalphaflyte" } } },
    });
    expect(JSON.stringify([values.storage, values.db])).not.toMatch(/"(key|secretKey|accessKey|password)"/);
    expect(values.configmap.core.propeller["rawoutput-prefix"]).toBe("abfs://flyte/propeller");
    // PostgreSQL with sslmode=require, password from the SOPS Secret mounted at /etc/db/pass.txt.
    for (const component of ["admin", "datacatalog"]) {
      expect(values.db[component].database).toEqual({
        port: 5432,
        username: "flyte",
        host: "psql-alpha.postgres.database.azure.com",
        dbname: "flyte",
        options: "sslmode=require",
        passwordPath: "/etc/db/pass.txt",
      });
    }
    expect(values.common.databaseSecret).toEqual({ name: "flyte-db", secretManifest: {} });
    // Backend identity and pod label on the three ServiceAccounts; flytescheduler needs no Azure (no label).
    for (const component of ["flyteadmin", "flytepropeller", "datacatalog"]) {
      expect(values[component].serviceAccount).toEqual({ create: true, annotations: { [CLIENT_ID]: BACKEND } });
    }
    for (const component of ["flyteadmin", "flytepropeller", "datacatalog"]) {
      expect(values[component].podLabels).toEqual({ "azure.workload.identity/use": "true" });
    }
    expect(values.flytescheduler).toBeUndefined();
    // Task pods: label and env by default, `default` ServiceAccount annotated per namespace.
    expect(values.configmap.k8s.plugins.k8s["default-labels"]).toEqual({ "azure.workload.identity/use": "true" });
    expect(values.configmap.k8s.plugins.k8s["default-env-vars"]).toEqual([{ AZURE_STORAGE_ACCOUNT_NAME: "stmlalphaflyte" }]);
    expect(values.cluster_resource_manager.enabled).toBe(true);
    expect(values.cluster_resource_manager.config.cluster_resources.customData).toEqual(
      ["development", "staging", "production"].map((domain) => ({ [domain]: [{ WIClientId: { value: TASKS } }] })),
    );
    expect(values.cluster_resource_manager.templates.map((template: Json) => template.key)).toEqual(["aa_namespace", "aab_default_service_account"]);
    expect(values.cluster_resource_manager.templates[1].value).toContain(`name: default\n  namespace: {{ namespace }}\n  annotations:\n    ${CLIENT_ID}: {{ WIClientId }}`);
    expect(values.flyteadmin.initialProjects).toEqual(["flytesnacks", "ranking"]);
    expect(values.configmap.domain.domains.map((domain: Json) => domain.id)).toEqual(["development", "staging", "production"]);
  });

  it("sets only keys of the vendored flyte-core values.yaml; a misspelled key is reported with the nearest key", async () => {
    const checkers = await readVendoredCharts([join(repoRoot, "packages/flyte/charts")]);
    const checker = checkers.find((candidate) => candidate.matches({ name: FLYTE_CHART.chart, version: FLYTE_CHART.version }));
    expect(checker).toBeDefined();
    const values = helmRelease(render(spec(FLYTE)).documents).spec.values as Json;
    expect(checker!.check(values)).toEqual([]);
    const typo = { ...values, flyteadmin: { ...values.flyteadmin, serviceAcount: { create: true } } };
    const problems = checker!.check(typo);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe(".flyteadmin.serviceAcount");
    expect(problems[0]!.message).toMatch(/did you mean "serviceAccount"\?.*flyte-core v1\.16\.8/);
  });

  const POOLS = {
    karpenter: { mode: "node-auto-provisioning" },
    nodePools: [
      { name: "general", preset: "general" },
      { name: "a100", preset: "gpu", requirements: [{ key: "karpenter.azure.com/sku-gpu-name", operator: "In", values: ["A100"] }] },
    ],
  };

  it("gpuNodePool gives GPU task pods the pool's tolerations (from podSchedulingFor), with keys the chart knows", async () => {
    const cluster = spec({ ...FLYTE, gpuNodePool: "a100" }, POOLS);
    expect(cluster.platforms.flyte?.gpuNodePool).toBe("a100");
    const values = helmRelease(render(cluster).documents).spec.values as Json;
    const tolerations = podSchedulingFor(cluster.nodePools.find((pool) => pool.name === "a100")!).tolerations;
    expect(values.configmap.k8s.plugins.k8s["resource-tolerations"]).toEqual({ "nvidia.com/gpu": tolerations });
    expect(tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    const checkers = await readVendoredCharts([join(repoRoot, "packages/flyte/charts")]);
    const checker = checkers.find((candidate) => candidate.matches({ name: FLYTE_CHART.chart, version: FLYTE_CHART.version }));
    expect(checker!.check(values)).toEqual([]);
    // Without it, no toleration for GPU pods.
    const plain = helmRelease(render(spec(FLYTE, POOLS)).documents).spec.values as Json;
    expect(plain.configmap.k8s.plugins.k8s["resource-tolerations"]).toBeUndefined();
  });

  it("gpuNodePool must name a gpu-preset pool of nodePools, with the path and the fix", () => {
    const issues = (flyte: Record<string, unknown>, extra: Record<string, unknown> = POOLS) => {
      const result = clusterSpecSchemaFor(PLATFORMS).safeParse({ ...validCluster("alpha"), sops: { age: [AGE] }, platforms: { flyte }, ...extra });
      expect(result.success).toBe(false);
      return result.error!.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
    };
    expect(issues({ ...FLYTE, gpuNodePool: "general" })).toEqual([
      { path: "platforms.flyte.gpuNodePool", message: expect.stringMatching(/node pool "general" has preset "general", not "gpu".*name a gpu pool \("a100"\)/) },
    ]);
    expect(issues({ ...FLYTE, gpuNodePool: "h100" })).toEqual([
      { path: "platforms.flyte.gpuNodePool", message: expect.stringMatching(/node pool "h100" is not declared in nodePools; name a gpu pool \("a100"\)/) },
    ]);
    expect(issues({ ...FLYTE, gpuNodePool: "gpu" }, {})).toEqual([
      { path: "platforms.flyte.gpuNodePool", message: expect.stringMatching(/declare one in nodePools: \{ name: "gpu", preset: "gpu" \}/) },
    ]);
  });

  it("disabling it removes its layer, namespace, HelmRelease, identities and Secret reference", () => {
    const cluster = spec(undefined, { namespaces: [{ name: "team" }], secrets: [{ namespace: "team", name: "db", keys: ["password"] }] });
    expect(cluster.secrets.map((secret) => secret.name)).toEqual(["db"]);
    const { plan, dirs, documents } = render(cluster);
    expect(dirs.some((dir) => dir.startsWith("platform-"))).toBe(false);
    expect(documents.filter((document) => ["HelmRelease", "HelmRepository"].includes(document.object.kind))).toEqual([]);
    expect(documents.some((document) => document.object.metadata?.name === "flyte")).toBe(false);
    expect(plan.identities.map((identity) => identity.key)).toEqual([]);
  });
});
