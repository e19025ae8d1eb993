import { defineCluster } from "@flotilla/fleet";

/** Production cluster: Flux installed by the AKS GitOps extension (microsoft.flux). */
export default defineCluster({
  name: "prod",
  azure: {
    tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    subscriptionId: "7d2c3b1a-8e4f-4a6b-9c0d-1e2f3a4b5c6d",
    resourceGroup: "rg-ml-prod",
    location: "northeurope",
    oidcIssuerUrl:
      "https://northeurope.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/9c4e1d7b-3a2f-4b8e-a6d5-7f0c2e9b4a18/",
  },
  git: {
    url: "https://dev.azure.com/contoso/ml-platform/_git/ml-fleet",
    branch: "main",
    secretRef: "fleet-git-auth",
  },
  flux: {
    bootstrap: "aks-extension",
  },
  namespaces: [
    { name: "analytics-prod", labels: { "contoso.com/team": "analytics" } },
    { name: "analytics-staging", labels: { "contoso.com/team": "analytics" } },
  ],
  identities: [
    {
      // One identity shared by the analytics workspaces: an analytics-runner ServiceAccount in
      // each namespace, one federated credential each.
      name: "analytics",
      workspaces: { namespaces: ["analytics-prod", "analytics-staging"], serviceAccount: "analytics-runner" },
      roles: [
        { role: "Storage Blob Data Contributor", scope: { storageContainer: { account: "stmlprodanalytics", container: "analytics" } } },
        { role: "Key Vault Secrets User", scope: { keyVaultSecret: { vault: "kv-ml-prod", secret: "warehouse-dsn" } } },
      ],
    },
    {
      // The vendor's control plane runs jobs in this data plane (bring your own cloud): its token
      // issuer is federated verbatim; it may only append run logs to one container.
      name: "vendor-dataplane",
      external: [
        {
          name: "control-plane",
          issuer: "https://oidc.controlplane.example.com/",
          subject: "org:contoso:workspace:ml-prod:dataplane",
        },
      ],
      roles: [{ role: { custom: "blob-append-only" }, scope: { storageContainer: { account: "stmlprodanalytics", container: "vendor-runs" } } }],
    },
  ],
  customRoles: [
    {
      name: "blob-append-only",
      description: "Read, list and append blobs of a container; never overwrite or delete them",
      actions: ["Microsoft.Storage/storageAccounts/blobServices/containers/read"],
      dataActions: [
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action",
      ],
    },
  ],
});
