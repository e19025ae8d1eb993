import { defineCluster } from "@flotilla/fleet/define";

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
    // Charts from ACR (oci://crmlprod.azurecr.io/helm): source-controller pulls with its own
    // identity (flux-source-controller, AcrPull). With the AKS extension, give Flux that identity
    // with `az k8s-extension update --config workloadIdentity.*` (README "Flux on Azure").
    registry: { name: "crmlprod" },
    helmOciSources: [{ name: "crmlprod-charts", registry: "crmlprod", path: "helm" }],
  },
  // Node auto-provisioning: AKS runs Karpenter (Microsoft's recommended mode); flotilla renders the
  // pools. A cluster with karpenter: { mode: "self-hosted", ... } would get the controller and its
  // identity too (see packages/karpenter/README.md).
  karpenter: { mode: "node-auto-provisioning" },
  nodePools: [
    { name: "general", preset: "general", skuFamilies: ["D", "E"], limits: { cpu: 256, memory: "1024Gi" } },
    // Spot capacity, at least 5 series to choose from when one size is evicted or out of stock.
    {
      name: "spot",
      preset: "spot",
      skuSeries: ["Ds_v5", "Dds_v5", "Das_v5", "Es_v5", "Eds_v5", "Fs_v2"],
      limits: { cpu: 512, memory: "2048Gi" },
    },
    // NVIDIA A100 training nodes: tainted nvidia.com/gpu, only emptied nodes are consolidated.
    {
      name: "gpu",
      preset: "gpu",
      requirements: [{ key: "karpenter.azure.com/sku-gpu-name", operator: "In", values: ["A100"] }],
      limits: { cpu: 384, memory: "3600Gi", "nvidia.com/gpu": 16 },
      nodeClass: { osDiskSizeGB: 512, kubelet: { topologyManagerPolicy: "single-numa-node", cpuManagerPolicy: "static" } },
      // Never replace a GPU node during the working week; expire them monthly otherwise.
      disruption: { budgets: [{ nodes: "0", schedule: "0 8 * * 1-5", duration: "10h" }, { nodes: "10%" }] },
    },
    // ARM64 (Cobalt 100) nodes dedicated to the production analytics workspace.
    {
      name: "analytics",
      preset: "arm64",
      skuSeries: ["Dps_v6", "Dpds_v6"],
      taints: [{ key: "contoso.com/workspace", value: "analytics", effect: "NoSchedule" }],
      labels: { "contoso.com/team": "analytics" },
      limits: { cpu: 64, memory: "256Gi" },
    },
  ],
  namespaces: [
    // Pinned to its own tainted pool: synth renders node-pool-scheduling with its selector and tolerations.
    { name: "analytics-prod", labels: { "contoso.com/team": "analytics" }, nodePool: "analytics" },
    { name: "analytics-staging", labels: { "contoso.com/team": "analytics" } },
  ],
  // The same three ML platforms as dev, in production shape: Flyte for two teams' projects with GPU
  // tasks on the A100 pool, Argo Workflows (also where Metaflow's flows run) and Metaflow. Database
  // passwords are SOPS Secrets in each platform's namespace (flyte/flyte-db, argo/argo-db,
  // metaflow/metaflow-db), encrypted for the Key Vault key below; the identities (flyte-backend,
  // flyte-tasks, argo-workflows, metaflow, metaflow-ui) come from `pnpm bootstrap apply --cluster prod`.
  platforms: {
    flyte: {
      storage: { account: "stmlprodflyte", container: "flyte" },
      database: { host: "psql-ml-prod.postgres.database.azure.com" },
      projects: ["forecasting", "recommendations"],
      gpuNodePool: "gpu",
    },
    argoWorkflows: {
      storage: { account: "stmlprodargo", container: "artifacts" },
      database: { host: "psql-ml-prod.postgres.database.azure.com" },
    },
    metaflow: {
      storage: { account: "stmlprodmetaflow", container: "metaflow" },
      database: { host: "psql-ml-prod.postgres.database.azure.com" },
    },
  },
  // Secrets are SOPS-encrypted with the Key Vault key kv-ml-prod/sops; kustomize-controller decrypts
  // them with its own workload identity (flux-kustomize-controller in the identity plan), which gets
  // Key Vault Crypto User on that key.
  sops: { azureKeyVault: { vault: "kv-ml-prod", key: "sops" } },
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
