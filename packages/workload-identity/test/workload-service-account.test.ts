import { ApiObject, Chart, Testing } from "cdk8s";
import { k8s } from "cdk8s-plus-28";
import { describe, expect, it } from "vitest";
import {
  addWorkloadIdentityPodLabel,
  type IdentityOutputs,
  planClusterIdentities,
  plannedServiceAccounts,
  WorkloadServiceAccount,
  workloadIdentityPodLabels,
} from "../src/index.js";
import { clusterWith, SUBSCRIPTION, TENANT } from "./fixtures.js";

const CLIENT = "11111111-1111-4111-8111-000000000001";

function chart(): Chart {
  return new Chart(Testing.app(), "test", { disableResourceNameHashes: true });
}

describe("WorkloadServiceAccount", () => {
  it("renders a ServiceAccount annotated with the client and tenant IDs", () => {
    const scope = chart();
    const account = new WorkloadServiceAccount(scope, { name: "runner", namespace: "analytics", clientId: CLIENT, tenantId: TENANT });
    expect(Testing.synth(scope)).toEqual([
      {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: {
          name: "runner",
          namespace: "analytics",
          annotations: { "azure.workload.identity/client-id": CLIENT, "azure.workload.identity/tenant-id": TENANT },
        },
      },
    ]);
    expect([account.apiVersion, account.kind, account.name, account.namespace, account.clientId]).toEqual(["v1", "ServiceAccount", "runner", "analytics", CLIENT]);
    expect(account.apiObject).toBeInstanceOf(k8s.KubeServiceAccount);
  });

  it("adds extra labels, annotations and automountServiceAccountToken, and omits tenant-id unless given", () => {
    const scope = chart();
    new WorkloadServiceAccount(scope, {
      name: "a.b",
      namespace: "ns",
      clientId: CLIENT,
      labels: { team: "data" },
      annotations: { "azure.workload.identity/service-account-token-expiration": "3600" },
      automountServiceAccountToken: false,
    });
    expect(Testing.synth(scope)[0]).toEqual({
      apiVersion: "v1",
      kind: "ServiceAccount",
      automountServiceAccountToken: false,
      metadata: {
        name: "a.b",
        namespace: "ns",
        labels: { team: "data" },
        annotations: { "azure.workload.identity/service-account-token-expiration": "3600", "azure.workload.identity/client-id": CLIENT },
      },
    });
  });

  it("allows the same name in two namespaces of one scope", () => {
    const scope = chart();
    new WorkloadServiceAccount(scope, { name: "runner", namespace: "a", clientId: CLIENT });
    new WorkloadServiceAccount(scope, { name: "runner", namespace: "b", clientId: CLIENT });
    expect(Testing.synth(scope).map((o) => o.metadata.namespace)).toEqual(["a", "b"]);
  });

  it("a pending identity: marked with its key, no client ID annotation (never a placeholder)", () => {
    const scope = chart();
    const account = new WorkloadServiceAccount(scope, { name: "runner", namespace: "ns", pendingIdentity: "analytics", tenantId: TENANT });
    expect(account.clientId).toBeUndefined();
    expect(Testing.synth(scope)[0]!.metadata.annotations).toEqual({ "flotilla.dev/pending-identity": "analytics", "azure.workload.identity/tenant-id": TENANT });
    expect(() => new WorkloadServiceAccount(chart(), { name: "runner", namespace: "ns", pendingIdentity: "analytics", clientId: CLIENT })).toThrow("pendingIdentity (the key of an identity without a client ID yet) goes without clientId");
    expect(() => new WorkloadServiceAccount(chart(), { name: "runner", namespace: "ns" })).toThrow("clientId must be the identity's client ID (a GUID), got undefined");
    expect(() => new WorkloadServiceAccount(chart(), { name: "runner", namespace: "ns", clientId: CLIENT, annotations: { "flotilla.dev/pending-identity": "x" } })).toThrow("through clientId/tenantId/pendingIdentity");
  });

  it.each([
    [{ name: "Runner" }, "name must be a lowercase DNS-1123 subdomain"],
    [{ namespace: "a.b" }, "namespace must be a lowercase DNS-1123 label"],
    [{ clientId: "not-a-guid" }, "clientId must be the identity's client ID (a GUID)"],
    [{ tenantId: "x" }, "tenantId must be a GUID"],
    [{ annotations: { "azure.workload.identity/client-id": CLIENT } }, "through clientId/tenantId"],
    [{ labels: { "azure.workload.identity/use": "true" } }, "does nothing on a ServiceAccount; put it on the pod template"],
  ])("rejects %j", (override, message) => {
    expect(() => new WorkloadServiceAccount(chart(), { name: "runner", namespace: "ns", clientId: CLIENT, ...override })).toThrow(message);
  });
});

describe("pod labels", () => {
  const container = { name: "main", image: "busybox:1.36" };

  it("gives the label workloads need", () => {
    expect(workloadIdentityPodLabels()).toEqual({ "azure.workload.identity/use": "true" });
  });

  it("adds the label to a Deployment's pod template, keeping its labels", () => {
    const scope = chart();
    const deployment = new k8s.KubeDeployment(scope, "d", {
      metadata: { name: "d" },
      spec: { selector: { matchLabels: { app: "d" } }, template: { metadata: { labels: { app: "d" } }, spec: { containers: [container] } } },
    });
    addWorkloadIdentityPodLabel(deployment);
    const [json] = Testing.synth(scope);
    expect(json.spec.template.metadata.labels).toEqual({ app: "d", "azure.workload.identity/use": "true" });
    expect(json.metadata.labels).toBeUndefined();
  });

  it("creates the template's metadata and labels when missing (Job, CronJob)", () => {
    const scope = chart();
    const job = new k8s.KubeJob(scope, "j", { metadata: { name: "j" }, spec: { template: { spec: { containers: [container], restartPolicy: "Never" } } } });
    const cron = new k8s.KubeCronJob(scope, "c", {
      metadata: { name: "c" },
      spec: { schedule: "* * * * *", jobTemplate: { spec: { template: { metadata: {}, spec: { containers: [container], restartPolicy: "Never" } } } } },
    });
    addWorkloadIdentityPodLabel(job);
    addWorkloadIdentityPodLabel(cron);
    const [jobJson, cronJson] = Testing.synth(scope);
    expect(jobJson.spec.template.metadata).toEqual({ labels: { "azure.workload.identity/use": "true" } });
    expect(cronJson.spec.jobTemplate.spec.template.metadata).toEqual({ labels: { "azure.workload.identity/use": "true" } });
  });

  it("labels a Pod itself and rejects kinds without pods", () => {
    const scope = chart();
    const pod = new k8s.KubePod(scope, "p", { metadata: { name: "p" }, spec: { containers: [container] } });
    addWorkloadIdentityPodLabel(pod);
    expect(Testing.synth(scope)[0].metadata.labels).toEqual({ "azure.workload.identity/use": "true" });
    const config = new ApiObject(chart(), "cm", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" } });
    expect(() => addWorkloadIdentityPodLabel(config)).toThrow("ConfigMap cm has no pod template");
  });
});

describe("plannedServiceAccounts", () => {
  const plan = planClusterIdentities(
    clusterWith({
      identities: [
        { name: "b", workspaces: { namespaces: ["ns-c", "ns-b"], serviceAccount: "w" } },
        { name: "a", serviceAccounts: [{ namespace: "ns-a", name: "sa" }], external: [{ name: "x", issuer: "https://x.example.com", subject: "s" }] },
      ],
    }),
  ).plan;
  const id = (name: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
  const outputs: IdentityOutputs = {
    cluster: "dev",
    tenantId: TENANT,
    identities: {
      a: { clientId: CLIENT, principalId: CLIENT, resourceId: id("id-dev-a") },
      b: { clientId: "11111111-1111-4111-8111-000000000002", principalId: CLIENT, resourceId: id("id-dev-b") },
    },
  };

  it("lists one ServiceAccount per ServiceAccount credential, with its identity's client ID, sorted", () => {
    expect(plannedServiceAccounts(plan, outputs)).toEqual([
      { identity: "a", namespace: "ns-a", name: "sa", clientId: CLIENT, tenantId: TENANT, credential: "ns-a-sa" },
      { identity: "b", namespace: "ns-b", name: "w", clientId: "11111111-1111-4111-8111-000000000002", tenantId: TENANT, credential: "ns-b-w" },
      { identity: "b", namespace: "ns-c", name: "w", clientId: "11111111-1111-4111-8111-000000000002", tenantId: TENANT, credential: "ns-c-w" },
    ]);
  });

  it("a pending identity (no outputs) gives its ServiceAccounts no client ID", () => {
    expect(plannedServiceAccounts(plan, { ...outputs, identities: { a: outputs.identities.a! } })).toEqual([
      { identity: "a", namespace: "ns-a", name: "sa", clientId: CLIENT, tenantId: TENANT, credential: "ns-a-sa" },
      { identity: "b", namespace: "ns-b", name: "w", tenantId: TENANT, credential: "ns-b-w" },
      { identity: "b", namespace: "ns-c", name: "w", tenantId: TENANT, credential: "ns-c-w" },
    ]);
  });
});
