import { defineCluster } from "@flotilla/fleet";

/** Development cluster: bootstrapped with `flux bootstrap github --path=clusters/dev`. */
export default defineCluster({
  name: "dev",
  azure: {
    tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    subscriptionId: "0b1f6471-1bf0-4dda-aec3-cb9272f09590",
    resourceGroup: "rg-ml-dev",
    location: "westeurope",
    oidcIssuerUrl:
      "https://westeurope.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/2f8b9a3c-5d1e-4c7a-9b6f-0e2d4a8c1b35/",
  },
  git: {
    url: "ssh://git@github.com/contoso/ml-fleet.git",
    branch: "main",
  },
  flux: {
    bootstrap: "flux-cli",
    reconcileInterval: "5m",
  },
  namespaces: [{ name: "analytics-dev", labels: { "contoso.com/team": "analytics" } }],
  identities: [
    {
      // Pods of the analytics-runner ServiceAccount read and write the analytics container and
      // pull images. Their pod templates need the label azure.workload.identity/use: "true".
      name: "analytics",
      serviceAccounts: [{ namespace: "analytics-dev", name: "analytics-runner" }],
      roles: [
        { role: "Storage Blob Data Contributor", scope: { storageContainer: { account: "stmldevanalytics", container: "analytics" } } },
        { role: "AcrPull", scope: { containerRegistry: { name: "crmldev" } } },
      ],
    },
  ],
});
