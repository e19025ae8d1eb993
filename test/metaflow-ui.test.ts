/**
 * The Metaflow UI flotilla renders in place of the metaflow chart's metaflow-ui subchart (which
 * helm-controller cannot install: packages/helm/test/render-release.test.ts shows the failure),
 * compared with what the real chart renders with the real Helm 4: the same containers (images,
 * commands, ports, probes, environment) and Services, with workload identity for the backend.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { App } from "cdk8s";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterChart, clusterDocuments, type PlatformValue } from "@flotilla/cluster";
import { type ClusterSpec, clusterSpecSchemaFor } from "@flotilla/fleet";
import { resolveHelm } from "@flotilla/helm";
import { PLATFORMS } from "@flotilla/platforms";
import { type IdentityOutputs, planClusterIdentities } from "@flotilla/workload-identity";
import { validCluster } from "./support/fixture-fleet.js";
import { repoRoot } from "./support/synth-cli.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered objects are arbitrary JSON
type Json = Record<string, any>;

const AGE = "age1qcd9gd8rhpwsezw43s8yltsu357jw5yvlv9s5xa0x84vxh79hf0qc97mw9";
const ARGO = { storage: { account: "stalphaargo", container: "artifacts" }, database: { host: "psql-alpha.postgres.database.azure.com" } };
const METAFLOW = { storage: { account: "stalphametaflow", container: "metaflow" }, database: { host: "psql-alpha.postgres.database.azure.com" } };
const ARCHIVE = join(repoRoot, "packages/metaflow/charts/metaflow-0.1.2.tgz");

function spec(): ClusterSpec {
  const result = clusterSpecSchemaFor(PLATFORMS).safeParse({ ...validCluster("alpha"), sops: { age: [AGE] }, platforms: { argoWorkflows: ARGO, metaflow: METAFLOW } });
  if (!result.success) throw new Error(JSON.stringify(result.error.issues));
  return result.data;
}

/** The cluster's objects as synth renders them, with `values` set into the platforms (automated images). */
function render(platformValues: PlatformValue[] = []) {
  const cluster = spec();
  const { plan, problems } = planClusterIdentities(cluster, PLATFORMS);
  expect(problems).toEqual([]);
  const outputs: IdentityOutputs = {
    cluster: cluster.name,
    tenantId: cluster.azure.tenantId,
    identities: Object.fromEntries(plan.identities.map((identity, i) => [identity.key, { clientId: `11111111-0000-4000-8000-00000000000${i}`, principalId: "33333333-0000-4000-8000-000000000000", resourceId: identity.resourceId }])),
  };
  const chart = new ClusterChart(new App(), cluster, { platforms: PLATFORMS, identities: { plan, outputs }, encryptedSecrets: cluster.secrets, platformValues });
  const objects = clusterDocuments(chart).documents.map((document) => ({ dir: document.dir, object: document.object as Json }));
  const find = (kind: string, name: string) => objects.find((entry) => entry.object.kind === kind && entry.object.metadata.name === name);
  return { plan, outputs, objects, find };
}

/** cdk8s leaves out empty maps and lists; Helm writes `securityContext: {}`, `resources: {}`. */
function withoutEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmpty);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value).map(([key, inner]) => [key, withoutEmpty(inner)] as const);
  return Object.fromEntries(entries.filter(([, inner]) => !(inner !== null && typeof inner === "object" && Object.keys(inner).length === 0) && inner !== null));
}

let dir: string;
let chartObjects: Json[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "flotilla-metaflow-ui-"));
  // The values that configured the chart's UI before it had to be disabled (the datastore, the
  // database with the SOPS password, the UI ServiceAccount, no ingress), the backend on the
  // metadata service's default image.
  const sysroot = "metaflow/metaflow";
  const values = {
    postgresql: { enabled: false },
    "metaflow-ui": {
      ingress: { enabled: false },
      serviceAccount: { create: false, name: "metaflow-ui" },
      uiBackend: {
        image: { name: "public.ecr.aws/outerbounds/metaflow_metadata_service", tag: "v2.4.13" },
        metadatadb: { host: METAFLOW.database.host, port: 5432, name: "metaflow", user: "metaflow", password: "" },
        metaflowDefaultDatastore: "azure",
        metaflowDatastoreSysRootS3: sysroot,
        env: [
          { name: "MF_METADATA_DB_SSL_MODE", value: "require" },
          { name: "MF_METADATA_DB_PSWD", valueFrom: { secretKeyRef: { name: "metaflow-db", key: "password" } } },
          { name: "METAFLOW_DATASTORE_SYSROOT_AZURE", value: sysroot },
          { name: "METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT", value: "https://stalphametaflow.blob.core.windows.net/" },
        ],
      },
    },
  };
  await writeFile(join(dir, "values.json"), JSON.stringify(values));
  const helm = await resolveHelm({ cacheDir: join(repoRoot, "node_modules/.cache/flotilla") });
  const { stdout } = await promisify(execFile)(helm.path, ["template", "metaflow", ARCHIVE, "--namespace", "metaflow", "--kube-version", "1.34.0", "--values", join(dir, "values.json")], {
    maxBuffer: 64 << 20,
  });
  // The static templates repeat label keys; read them as Helm's apply does (the last one wins).
  chartObjects = parseAllDocuments(stdout, { uniqueKeys: false })
    .map((document) => document.toJS() as Json | null)
    .filter((object): object is Json => object?.kind !== undefined);
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const chartObject = (kind: string, name: string) => chartObjects.find((object) => object.kind === kind && object.metadata.name === name);

describe("the Metaflow UI flotilla renders, against the real metaflow 0.1.2 chart", () => {
  it("runs the chart's containers: images, commands, ports, probes and environment", () => {
    const { find } = render();
    for (const name of ["metaflow-metaflow-ui", "metaflow-metaflow-ui-static"]) {
      const ours = find("Deployment", name);
      expect(ours?.dir, name).toBe("platform-metaflow");
      const theirs = chartObject("Deployment", name);
      expect(theirs, name).toBeDefined();
      expect(ours!.object.spec.template.spec.containers, name).toEqual(withoutEmpty(theirs!.spec.template.spec.containers));
      expect(ours!.object.spec.selector, name).toEqual(theirs!.spec.selector);
      expect(ours!.object.spec.replicas, name).toBe(theirs!.spec.replicas);
      // The chart's pod labels, plus workload identity for the backend only.
      const extra = name === "metaflow-metaflow-ui" ? { "azure.workload.identity/use": "true" } : {};
      expect(ours!.object.spec.template.metadata.labels, name).toEqual({ ...theirs!.spec.template.metadata.labels, ...extra });
      expect(ours!.object.metadata).toMatchObject({ namespace: "metaflow", labels: { "app.kubernetes.io/version": theirs!.metadata.labels["app.kubernetes.io/version"] } });
    }
    const backend = find("Deployment", "metaflow-metaflow-ui")!.object;
    expect(backend.spec.template.spec.serviceAccountName).toBe("metaflow-ui");
    // The static UI only serves files: no ServiceAccount token (the chart runs it as the UI's).
    const staticUi = find("Deployment", "metaflow-metaflow-ui-static")!.object;
    expect(staticUi.spec.template.spec).toMatchObject({ automountServiceAccountToken: false });
    expect(staticUi.spec.template.spec.serviceAccountName).toBeUndefined();
  });

  it("exposes the chart's Services, in the Metaflow namespace (the chart puts the static one in default)", () => {
    const { find } = render();
    expect(chartObject("Service", "metaflow-metaflow-ui-static")!.metadata.namespace).toBe("default");
    for (const name of ["metaflow-metaflow-ui", "metaflow-metaflow-ui-static"]) {
      const ours = find("Service", name)!;
      const theirs = chartObject("Service", name)!;
      expect(ours.object.metadata.namespace).toBe("metaflow");
      expect(ours.object.spec).toEqual(withoutEmpty(theirs.spec));
    }
  });

  it("gives the backend its own read-only identity, federated with the ServiceAccount synth renders", () => {
    const { plan, outputs, find } = render();
    const identity = plan.identities.find((entry) => entry.key === "metaflow-ui")!;
    expect(identity.federatedCredentials.map((credential) => credential.subject)).toEqual(["system:serviceaccount:metaflow:metaflow-ui"]);
    expect(identity.roleAssignments.map((assignment) => [assignment.roleName, assignment.scope.replace(/^.*storageAccounts\//, "")])).toEqual([
      ["Storage Blob Data Reader", "stalphametaflow/blobServices/default/containers/metaflow"],
    ]);
    const account = find("ServiceAccount", "metaflow-ui")!;
    expect(account.dir).toBe("infrastructure");
    expect(account.object.metadata).toMatchObject({ namespace: "metaflow", annotations: { "azure.workload.identity/client-id": outputs.identities["metaflow-ui"]!.clientId } });
    // The chart's UI stays off in the release: nothing of it is installed twice.
    expect(find("HelmRelease", "metaflow")!.object.spec.values["metaflow-ui"]).toEqual({ enabled: false });
  });

  it("runs the backend on the metadata service's image, so an automated metaflow-service.image moves both", () => {
    const image = (objects: ReturnType<typeof render>) => objects.find("Deployment", "metaflow-metaflow-ui")!.object.spec.template.spec.containers[0].image as string;
    expect(image(render())).toBe("public.ecr.aws/outerbounds/metaflow_metadata_service:v2.4.13");
    const automated = render([
      { platform: "metaflow", path: ["metaflow-service", "image", "repository"], value: "crmldev.azurecr.io/mirror/outerbounds/metaflow_metadata_service" },
      { platform: "metaflow", path: ["metaflow-service", "image", "tag"], value: "v2.4.14" },
    ]);
    expect(image(automated)).toBe("crmldev.azurecr.io/mirror/outerbounds/metaflow_metadata_service:v2.4.14");
    expect(automated.find("HelmRelease", "metaflow")!.object.spec.values["metaflow-service"].image).toEqual({ repository: "crmldev.azurecr.io/mirror/outerbounds/metaflow_metadata_service", tag: "v2.4.14" });
  });
});
