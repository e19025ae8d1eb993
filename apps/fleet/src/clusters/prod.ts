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
});
