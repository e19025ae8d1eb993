import { defineCluster } from "@flotilla/fleet/define";

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
    // source-controller and image-reflector-controller pull from this ACR with their own workload
    // identities (AcrPull); synth renders clusters/dev/flux-system-patches/ for flux-system to include.
    registry: { name: "crmldev" },
    // Internal Helm charts pushed to oci://crmldev.azurecr.io/helm (HelmRepository, provider azure).
    helmOciSources: [{ name: "crmldev-charts", registry: "crmldev", path: "helm" }],
    // Failed reconciliations of every Kustomization and HelmRelease go to the team's Teams channel;
    // the webhook URL is the `address` of the SOPS Secret flux-system/teams-webhook.
    notifications: [{ name: "ml-platform-teams", type: "msteams", secretRef: "teams-webhook" }],
    images: [
      // The newest 1.x analytics runner image in crmldev (ImageRepository + ImagePolicy, see README
      // "Image policies"): `flux get images policy analytics-runner` shows the tag it selects.
      { name: "analytics-runner", repository: "analytics/runner", semver: ">=1.0.0 <2.0.0" },
      // Metaflow's metadata service image, mirrored into crmldev. Flux moves it to the newest 2.4.x
      // patch by editing apps/fleet/images/dev/images.yaml; synth sets that image into the metaflow
      // HelmRelease at metaflow-service.image (repository + tag), and the UI backend flotilla
      // renders runs the same image, so both always run one version.
      {
        name: "metaflow-metadata",
        repository: "mirror/outerbounds/metaflow_metadata_service",
        semver: ">=2.4.13 <2.5.0",
        automate: {
          values: [
            { platform: "metaflow", path: "metaflow-service.image" },
          ],
        },
      },
    ],
  },
  // Node auto-provisioning (az aks update --node-provisioning-mode Auto): AKS runs Karpenter and
  // its CRDs; flotilla renders the NodePools and AKSNodeClasses below.
  karpenter: { mode: "node-auto-provisioning" },
  nodePools: [
    // Everyday amd64 capacity: D-family v5 sizes, on demand.
    { name: "general", preset: "general", skuSeries: ["Ds_v5", "Dds_v5"], limits: { cpu: 32, memory: "128Gi" } },
    // Cheap, evictable capacity in its own tainted pool: only pods that tolerate the spot taint land here.
    { name: "spot", preset: "spot", limits: { cpu: 64, memory: "256Gi" } },
    // NVIDIA T4 nodes for GPU experiments, tainted nvidia.com/gpu; at most 2 GPUs in dev.
    {
      name: "gpu",
      preset: "gpu",
      requirements: [{ key: "karpenter.azure.com/sku-gpu-name", operator: "In", values: ["T4"] }],
      limits: { cpu: 16, memory: "128Gi", "nvidia.com/gpu": 2 },
    },
  ],
  // The analytics workspace runs its batch jobs on spot: its HelmReleases take nodeSelector and
  // tolerations from the ConfigMap node-pool-scheduling (valuesFrom) that synth renders for it.
  namespaces: [{ name: "analytics-dev", labels: { "contoso.com/team": "analytics" }, nodePool: "spot" }],
  // ML platforms, each in its own Flux Kustomization (platform-<name>). Database passwords are SOPS
  // Secrets in the platform's namespace, e.g. `pnpm secret set dev flyte/flyte-db --from-stdin pass.txt`;
  // their identities (flyte-backend, flyte-tasks, argo-workflows, metaflow, metaflow-ui) come from `pnpm bootstrap apply --cluster dev`.
  platforms: {
    flyte: {
      storage: { account: "stmldevflyte", container: "flyte" },
      database: { host: "psql-ml-dev.postgres.database.azure.com" },
      projects: ["flytesnacks"],
      // Task pods requesting nvidia.com/gpu tolerate the gpu pool's taint (from the pool, not by hand).
      gpuNodePool: "gpu",
    },
    // Argo Workflows 3.7 (Metaflow's @schedule needs CronWorkflow spec.schedule, gone in v4): artifacts
    // in Blob Storage, the workflow archive in PostgreSQL (Secret argo/argo-db: username, password).
    argoWorkflows: {
      storage: { account: "stmldevargo", container: "artifacts" },
      database: { host: "psql-ml-dev.postgres.database.azure.com" },
    },
    // Metaflow's metadata service (HelmRelease) and UI (rendered by flotilla: helm-controller cannot
    // install the chart's UI, see packages/metaflow/README.md); flows run on Argo Workflows as
    // argo/metaflow-tasks. UI: kubectl -n metaflow port-forward svc/metaflow-metaflow-ui 8083 and
    // svc/metaflow-metaflow-ui-static 3000, then open http://localhost:3000.
    // Client settings: kubectl -n metaflow get configmap metaflow-config -o jsonpath='{.data.config\.json}'.
    metaflow: {
      storage: { account: "stmldevmetaflow", container: "metaflow" },
      database: { host: "psql-ml-dev.postgres.database.azure.com" },
    },
  },
  // Secrets are SOPS-encrypted for this age public key; Flux decrypts them with the private key
  // from the Secret flux-system/sops-age (see README "Secrets"). Never put the private key here.
  sops: { age: ["age1qcd9gd8rhpwsezw43s8yltsu357jw5yvlv9s5xa0x84vxh79hf0qc97mw9"] },
  // The warehouse credentials the analytics jobs read: synth fails if the encrypted file
  // apps/fleet/secrets/dev/analytics-dev/warehouse-db.sops.yaml or one of these keys is missing.
  secrets: [
    { namespace: "analytics-dev", name: "warehouse-db", keys: ["password", "username"] },
    { namespace: "flux-system", name: "teams-webhook", keys: ["address"] },
  ],
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
