import { App } from "cdk8s";
import { describe, expect, it } from "vitest";
import { type ClusterSpec, type ClusterSpecInput, clusterSpecSchema } from "@flotilla/fleet";
import { type IdentityOutputs, planClusterIdentities } from "@flotilla/workload-identity";
import { ClusterChart, clusterDocuments } from "../src/index.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const SUBSCRIPTION = "0b1f6471-1bf0-4dda-aec3-cb9272f09590";

function spec(extra: Partial<ClusterSpecInput> = {}): ClusterSpec {
  return clusterSpecSchema.parse({
    name: "dev",
    azure: {
      tenantId: TENANT,
      subscriptionId: SUBSCRIPTION,
      resourceGroup: "rg-dev",
      location: "westeurope",
      oidcIssuerUrl: `https://westeurope.oic.prod-aks.azure.com/${TENANT}/2f8b9a3c-5d1e-4c7a-9b6f-0e2d4a8c1b35/`,
    },
    git: { url: "https://github.com/contoso/fleet" },
    namespaces: [{ name: "ws-a" }, { name: "ws-b" }],
    ...extra,
  });
}

const withIdentities = spec({
  identities: [
    { name: "analytics", workspaces: { namespaces: ["ws-b", "ws-a"], serviceAccount: "runner" } },
    { name: "vendor", external: [{ name: "cp", issuer: "https://oidc.vendor.example.com", subject: "s" }] },
  ],
});
const plan = planClusterIdentities(withIdentities).plan;
const resourceId = (name: string) =>
  `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
const outputs: IdentityOutputs = {
  cluster: "dev",
  tenantId: TENANT,
  identities: {
    analytics: { clientId: "11111111-1111-4111-8111-000000000001", principalId: "22222222-2222-4222-8222-000000000001", resourceId: resourceId("id-dev-analytics") },
    vendor: { clientId: "11111111-1111-4111-8111-000000000002", principalId: "22222222-2222-4222-8222-000000000002", resourceId: resourceId("id-dev-vendor") },
  },
};

describe("ClusterChart identities", () => {
  it("renders one annotated ServiceAccount per planned ServiceAccount credential, in the infrastructure layer", () => {
    const chart = new ClusterChart(new App(), withIdentities, { identities: { plan, outputs } });
    const accounts = clusterDocuments(chart).documents.filter((d) => (d.object as { kind: string }).kind === "ServiceAccount");
    expect(accounts).toEqual(
      ["ws-a", "ws-b"].map((namespace) => ({
        dir: "infrastructure",
        object: {
          apiVersion: "v1",
          kind: "ServiceAccount",
          metadata: {
            name: "runner",
            namespace,
            labels: { "app.kubernetes.io/managed-by": "flotilla" },
            annotations: { "azure.workload.identity/client-id": "11111111-1111-4111-8111-000000000001", "azure.workload.identity/tenant-id": TENANT },
          },
        },
        // The identity of the cluster file they come from, which problems with them name.
        origin: "identities[0]",
      })),
    );
    expect(chart.serviceAccounts.map((account) => `${account.namespace}/${account.name}`)).toEqual(["ws-a/runner", "ws-b/runner"]);
  });

  it("renders nothing for a cluster without identities", () => {
    const chart = new ClusterChart(new App(), spec());
    expect(chart.serviceAccounts).toEqual([]);
    expect(clusterDocuments(chart).documents.some((d) => (d.object as { kind: string }).kind === "ServiceAccount")).toBe(false);
  });

  it("requires the plan and outputs when the cluster declares identities", () => {
    expect(() => new ClusterChart(new App(), withIdentities)).toThrow("ClusterChart dev: the cluster declares identities, so its identity plan and outputs are required");
  });

  it("refuses another cluster's plan", () => {
    expect(() => new ClusterChart(new App(), withIdentities, { identities: { plan: { ...plan, cluster: "prod" }, outputs } })).toThrow(
      "got the identity plan of cluster prod",
    );
  });

  it("renders the ServiceAccounts of a pending identity (no outputs) marked, with no client ID", () => {
    const chart = new ClusterChart(new App(), withIdentities, { identities: { plan, outputs: { ...outputs, identities: {} } } });
    const accounts = chart.toJson().filter((object: { kind: string }) => object.kind === "ServiceAccount");
    expect(accounts.length).toBeGreaterThan(0);
    for (const account of accounts) {
      expect(account.metadata.annotations).toEqual({ "flotilla.dev/pending-identity": "analytics", "azure.workload.identity/tenant-id": TENANT });
    }
  });
});
