/**
 * The spec means what it renders (#14.5): every field of the cluster spec schema, the registered
 * platforms' sections included, changes what flotilla makes of the cluster. A rich cluster that
 * uses every section is changed one field at a time; what it produces (the cluster's rendered
 * objects and flux-system patches, its identity plan for bootstrap, its `.sops.yaml` rule) must
 * differ. The few fields whose effect lies elsewhere name the test that shows it. A field added
 * to the schema without a row here fails the last test: it must be shown to work, or not exist.
 */
import { App } from "cdk8s";
import { describe, expect, it } from "vitest";
import { ClusterChart, clusterDocuments, fluxControllerPatches } from "@flotilla/cluster";
import { type ClusterSpec, clusterSpecSchemaFor, loadFleet } from "@flotilla/fleet";
import { PLATFORMS } from "@flotilla/platforms";
import { type IdentityOutputs, planClusterIdentities } from "@flotilla/workload-identity";
import { allFields } from "../packages/fleet/src/field-catalog.js";
import { COMMAND_HINTS } from "../apps/fleet/src/cli/command-hints.js";
import { fleetSopsConfig } from "../apps/secrets/src/sops-config-file.js";
import { validCluster } from "./support/fixture-fleet.js";

const AGE = "age1qcd9gd8rhpwsezw43s8yltsu357jw5yvlv9s5xa0x84vxh79hf0qc97mw9";
const OTHER_AGE = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a cluster file's default export is plain data
type Input = Record<string, any>;

/** A cluster that uses every section of the spec. */
function base(): Input {
  return {
    ...validCluster("alpha"),
    kubernetesVersion: "1.34",
    git: { url: "ssh://git@github.com/contoso/ml-fleet.git", branch: "main", secretRef: "flux-system" },
    flux: {
      bootstrap: "flux-cli",
      sourceInterval: "1m",
      reconcileInterval: "10m",
      retryInterval: "2m",
      timeout: "5m",
      registry: { name: "cralpha", resourceGroup: "rg-alpha" },
      gitSources: [{ name: "extra", url: "https://github.com/contoso/extra", branch: "main", secretRef: "extra-git" }],
      helmOciSources: [{ name: "charts", registry: "cralpha", path: "helm" }],
      notifications: [{ name: "teams", type: "msteams", secretRef: "teams-webhook", severity: "error" }],
      images: [
        { name: "runner", repository: "analytics/runner", semver: ">=1.0.0" },
        { name: "tool", repository: "analytics/tool", pattern: "^main-(?P<ts>[0-9]+)$", extract: "$ts" },
        { name: "meta", repository: "mirror/metaflow", semver: ">=2.4.0", automate: { values: [{ platform: "metaflow", path: "metaflow-service.image" }] } },
      ],
    },
    namespaces: [
      { name: "analytics", labels: { team: "a" }, nodePool: "spot" },
      { name: "ws-a" },
      { name: "ws-b" },
      { name: "ws-c" },
    ],
    platforms: {
      flyte: {
        namespace: "flyte",
        storage: { account: "stalphaflyte", container: "flyte", resourceGroup: "rg-alpha" },
        database: { host: "psql-alpha.postgres.database.azure.com", database: "flyte", username: "flyte", passwordSecret: "flyte-db" },
        projects: ["flytesnacks"],
        domains: ["development", "production"],
        gpuNodePool: "gpu",
      },
      argoWorkflows: {
        namespace: "argo",
        storage: { account: "stalphaargo", container: "artifacts", resourceGroup: "rg-alpha" },
        database: { host: "psql-alpha.postgres.database.azure.com", database: "argo", passwordSecret: "argo-db" },
        workflowNamespaces: ["argo"],
      },
      metaflow: {
        namespace: "metaflow",
        storage: { account: "stalphametaflow", container: "metaflow", resourceGroup: "rg-alpha" },
        sysrootPrefix: "metaflow",
        database: { host: "psql-alpha.postgres.database.azure.com", database: "metaflow", username: "metaflow", passwordSecret: "metaflow-db" },
      },
    },
    karpenter: { mode: "node-auto-provisioning" },
    nodePools: [
      {
        name: "general",
        preset: "general",
        architecture: "amd64",
        skuFamilies: ["D"],
        requirements: [{ key: "karpenter.azure.com/sku-cpu", operator: "Gt", values: ["3"] }, { key: "karpenter.azure.com/sku-name", operator: "In", values: ["Standard_D4s_v5", "Standard_D8s_v5"], minValues: 1 }],
        taints: [{ key: "contoso.com/pool", value: "general", effect: "NoSchedule" }],
        labels: { "contoso.com/pool": "general" },
        limits: { cpu: 64 },
        disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "1m", budgets: [{ nodes: "10%", schedule: "0 8 * * 1-5", duration: "8h", reasons: ["Underutilized"] }] },
        expireAfter: "720h",
        weight: 10,
        nodeClass: {
          imageFamily: "Ubuntu2204",
          osDiskSizeGB: 128,
          maxPods: 110,
          tags: { team: "ml" },
          kubelet: {
            cpuManagerPolicy: "static",
            topologyManagerPolicy: "best-effort",
            cpuCFSQuota: true,
            imageGCHighThresholdPercent: 85,
            imageGCLowThresholdPercent: 80,
            containerLogMaxSize: "10Mi",
            containerLogMaxFiles: 5,
            podPidsLimit: 4096,
            allowedUnsafeSysctls: ["net.core.somaxconn"],
          },
          encryptionAtHost: false,
        },
      },
      { name: "spot", preset: "spot", skuSeries: ["Ds_v5", "Dds_v5", "Das_v5", "Es_v5", "Eds_v5"] },
      { name: "gpu", preset: "gpu", nodeClass: { gpuMode: "Driver" } },
    ],
    sops: { age: [AGE], azureKeyVault: { vault: "kv-alpha", key: "sops", resourceGroup: "rg-alpha" } },
    secrets: [
      { namespace: "analytics", name: "db", keys: ["password"] },
      { namespace: "flux-system", name: "teams-webhook", keys: ["address"] },
      { namespace: "flux-system", name: "extra-git", keys: ["username", "password"] },
    ],
    identities: [
      {
        name: "analytics",
        resourceGroup: "rg-alpha",
        serviceAccounts: [{ namespace: "analytics", name: "runner" }],
        roles: [
          { role: "Storage Blob Data Contributor", scope: { storageContainer: { account: "stalpha", container: "data", resourceGroup: "rg-alpha" } } },
          { role: "Storage Blob Data Reader", scope: { storageAccount: { name: "stalpha", resourceGroup: "rg-alpha" } } },
          { role: "Key Vault Crypto User", scope: { keyVaultKey: { vault: "kv-alpha", key: "app", resourceGroup: "rg-alpha" } } },
          { role: "Key Vault Secrets User", scope: { keyVaultSecret: { vault: "kv-alpha", secret: "dsn", resourceGroup: "rg-alpha" } } },
          { role: "Reader", scope: { keyVault: { name: "kv-alpha", resourceGroup: "rg-alpha" } } },
          { role: "AcrPull", scope: { containerRegistry: { name: "cralpha", resourceGroup: "rg-alpha" } } },
          { role: "Reader", scope: { resourceGroup: "rg-alpha" } },
          { role: "Reader", scope: { subscription: true } },
        ],
      },
      { name: "workspaces", workspaces: { namespaces: ["ws-a", "ws-b"], serviceAccount: "runner" } },
      {
        name: "vendor",
        external: [{ name: "control-plane", issuer: "https://oidc.example.com/", subject: "org:contoso:dataplane", audience: "api://AzureADTokenExchange" }],
        roles: [{ role: { custom: "append" }, scope: { storageContainer: { account: "stalpha", container: "runs" } } }],
      },
    ],
    customRoles: [
      {
        name: "append",
        description: "append blobs",
        actions: ["Microsoft.Storage/storageAccounts/blobServices/containers/read"],
        notActions: ["Microsoft.Storage/storageAccounts/delete"],
        dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action"],
        notDataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete"],
        scope: { resourceGroup: "rg-alpha" },
      },
    ],
  };
}

function parse(input: Input): ClusterSpec {
  const result = clusterSpecSchemaFor(PLATFORMS).safeParse(input);
  if (!result.success) throw new Error(result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("\n"));
  return result.data;
}

/** Everything flotilla makes of one cluster: rendered objects, flux-system patches, the identity plan bootstrap applies, the .sops.yaml rule. */
function produce(input: Input): string {
  const spec = parse(input);
  const { plan, problems } = planClusterIdentities(spec, PLATFORMS);
  if (problems.length > 0) throw new Error(problems.map((problem) => `${problem.path}: ${problem.message}`).join("\n"));
  const outputs: IdentityOutputs = {
    cluster: spec.name,
    tenantId: spec.azure.tenantId,
    identities: Object.fromEntries(plan.identities.map((identity, i) => [identity.key, { clientId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, principalId: "33333333-0000-4000-8000-000000000000", resourceId: identity.resourceId }])),
  };
  const identities = { plan, outputs };
  const chart = new ClusterChart(new App(), spec, { platforms: PLATFORMS, identities, encryptedSecrets: spec.secrets, imageTagsPath: "./apps/fleet/images/alpha" });
  const sopsConfig = fleetSopsConfig([spec], { modulesDir: "/fleet", displayName: (path) => path, secretsDir: "/fleet/secrets", sopsConfig: "/fleet/.sops.yaml" }, {});
  return JSON.stringify({ documents: clusterDocuments(chart), patches: fluxControllerPatches(spec, identities) ?? null, plan, sopsConfig });
}

/** Self-hosted Karpenter with every setting given; rows of its fields switch the base cluster to it first. */
const SELF_HOSTED = {
  clusterEndpoint: "https://alpha-dns.hcp.westeurope.azmk8s.io:443",
  nodeResourceGroup: "MC_rg-alpha_alpha_westeurope",
  vnetSubnetID: "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/nodes",
  sshPublicKey: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 azureuser",
  clusterName: "alpha",
  kubeletIdentity: {
    resourceId: "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/MC_rg-alpha_alpha_westeurope/providers/Microsoft.ManagedIdentity/userAssignedIdentities/alpha-agentpool",
    clientId: "44444444-0000-4000-8000-000000000001",
  },
  network: { plugin: "azure", pluginMode: "overlay", policy: "cilium", dataplane: "cilium" },
  chartVersion: "1.14.2",
  bootstrapTokenSecret: "bootstrap-token",
  replicas: 2,
};

type Row = [field: string, change: (input: Input) => void];
const pool = (input: Input, name = "general") => input.nodePools.find((p: Input) => p.name === name);
const kubelet = (input: Input) => pool(input).nodeClass.kubelet;
/** The self-hosted settings; `before` is then what the self-hosted cluster produces. */
const selfHosted = (input: Input) => {
  input.karpenter = { mode: "self-hosted", ...structuredClone(SELF_HOSTED) };
  return input.karpenter;
};
const role = (input: Input, i: number) => input.identities[0].roles[i].scope;

const ROWS: Row[] = [
  ["name", (i) => { i.name = "beta"; }],
  ["azure.tenantId", (i) => { i.azure.tenantId = "11111111-1111-4111-8111-111111111111"; }],
  ["azure.subscriptionId", (i) => { i.azure.subscriptionId = "22222222-2222-4222-8222-222222222222"; }],
  // The default resource group of identities, storage, vaults, registries and custom role scopes that name none.
  ["azure.resourceGroup", (i) => { i.azure.resourceGroup = "rg-other"; delete i.customRoles[0].scope; }],
  ["azure.location", (i) => { i.azure.location = "northeurope"; }],
  ["azure.oidcIssuerUrl", (i) => { i.azure.oidcIssuerUrl = "https://westeurope.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/9c4e1d7b-3a2f-4b8e-a6d5-7f0c2e9b4a18/"; }],
  ["git.url", (i) => { i.git.url = "ssh://git@github.com/contoso/other.git"; }],
  ["git.branch", (i) => { i.git.branch = "release"; }],
  ["git.path", (i) => { i.git.path = "fleet/alpha"; }],
  ["git.secretRef", (i) => { i.git.secretRef = "git-auth"; }],
  ["flux.bootstrap", (i) => { i.flux.bootstrap = "aks-extension"; }],
  ["flux.sourceInterval", (i) => { i.flux.sourceInterval = "5m"; }],
  ["flux.reconcileInterval", (i) => { i.flux.reconcileInterval = "1h"; }],
  ["flux.retryInterval", (i) => { i.flux.retryInterval = "30s"; }],
  ["flux.timeout", (i) => { i.flux.timeout = "15m"; }],
  ["flux.registry.name", (i) => { i.flux.registry.name = "crother"; i.flux.helmOciSources[0].registry = "crother"; }],
  ["flux.registry.resourceGroup", (i) => { i.flux.registry.resourceGroup = "rg-acr"; }],
  ["flux.gitSources[].name", (i) => { i.flux.gitSources[0].name = "more"; }],
  ["flux.gitSources[].url", (i) => { i.flux.gitSources[0].url = "https://github.com/contoso/more"; }],
  ["flux.gitSources[].branch", (i) => { i.flux.gitSources[0].branch = "dev"; }],
  ["flux.gitSources[].secretRef", (i) => { i.flux.gitSources[0].secretRef = "other-git"; i.secrets.push({ namespace: "flux-system", name: "other-git", keys: ["username", "password"] }); }],
  ["flux.gitSources[].provider", (i) => { i.flux.gitSources[0] = { name: "extra", url: "https://dev.azure.com/contoso/ml/_git/extra", provider: "azure" }; }],
  ["flux.helmOciSources[].name", (i) => { i.flux.helmOciSources[0].name = "more-charts"; }],
  ["flux.helmOciSources[].registry", (i) => { i.flux.registry.name = "crother"; i.flux.helmOciSources[0].registry = "crother"; }],
  ["flux.helmOciSources[].path", (i) => { i.flux.helmOciSources[0].path = "charts"; }],
  ["flux.notifications[].name", (i) => { i.flux.notifications[0].name = "pager"; }],
  ["flux.notifications[].type", (i) => { i.flux.notifications[0].type = "azureeventhub"; }],
  ["flux.notifications[].secretRef", (i) => { i.flux.notifications[0].secretRef = "hook"; i.secrets.push({ namespace: "flux-system", name: "hook", keys: ["address"] }); }],
  ["flux.notifications[].severity", (i) => { i.flux.notifications[0].severity = "info"; }],
  ["flux.images[].name", (i) => { i.flux.images[0].name = "worker"; }],
  ["flux.images[].repository", (i) => { i.flux.images[0].repository = "analytics/worker"; }],
  ["flux.images[].semver", (i) => { i.flux.images[0].semver = ">=2.0.0"; }],
  ["flux.images[].pattern", (i) => { i.flux.images[1].pattern = "^dev-(?P<ts>[0-9]+)$"; }],
  ["flux.images[].extract", (i) => { i.flux.images[1].pattern = "^main-(?P<ts>[0-9]+)-(?P<n>[0-9]+)$"; i.flux.images[1].extract = "$n"; }],
  ["namespaces[].name", (i) => { i.namespaces[1].name = "ws-d"; i.identities[1].workspaces.namespaces = ["ws-d", "ws-b"]; }],
  ["namespaces[].labels", (i) => { i.namespaces[0].labels = { team: "b" }; }],
  ["namespaces[].nodePool", (i) => { i.namespaces[0].nodePool = "general"; }],
  ["platforms.flyte.namespace", (i) => { i.platforms.flyte.namespace = "flyte-x"; }],
  ["platforms.flyte.storage.account", (i) => { i.platforms.flyte.storage.account = "stother"; }],
  ["platforms.flyte.storage.container", (i) => { i.platforms.flyte.storage.container = "other"; }],
  ["platforms.flyte.storage.resourceGroup", (i) => { i.platforms.flyte.storage.resourceGroup = "rg-storage"; }],
  ["platforms.flyte.database.host", (i) => { i.platforms.flyte.database.host = "psql-other.postgres.database.azure.com"; }],
  ["platforms.flyte.database.database", (i) => { i.platforms.flyte.database.database = "flyte2"; }],
  ["platforms.flyte.database.username", (i) => { i.platforms.flyte.database.username = "admin"; }],
  ["platforms.flyte.database.passwordSecret", (i) => { i.platforms.flyte.database.passwordSecret = "flyte-pg"; }],
  ["platforms.flyte.projects", (i) => { i.platforms.flyte.projects = ["ranking"]; }],
  ["platforms.flyte.domains", (i) => { i.platforms.flyte.domains = ["development"]; }],
  ["platforms.flyte.gpuNodePool", (i) => { delete i.platforms.flyte.gpuNodePool; }],
  ["platforms.argoWorkflows.namespace", (i) => { i.platforms.argoWorkflows.namespace = "argo-x"; i.platforms.argoWorkflows.workflowNamespaces = ["argo-x"]; }],
  ["platforms.argoWorkflows.storage.account", (i) => { i.platforms.argoWorkflows.storage.account = "stother"; }],
  ["platforms.argoWorkflows.storage.container", (i) => { i.platforms.argoWorkflows.storage.container = "other"; }],
  ["platforms.argoWorkflows.storage.resourceGroup", (i) => { i.platforms.argoWorkflows.storage.resourceGroup = "rg-storage"; }],
  ["platforms.argoWorkflows.database.host", (i) => { i.platforms.argoWorkflows.database.host = "psql-other.postgres.database.azure.com"; }],
  ["platforms.argoWorkflows.database.database", (i) => { i.platforms.argoWorkflows.database.database = "argo2"; }],
  ["platforms.argoWorkflows.database.passwordSecret", (i) => { i.platforms.argoWorkflows.database.passwordSecret = "argo-pg"; }],
  ["platforms.argoWorkflows.workflowNamespaces", (i) => { i.platforms.argoWorkflows.workflowNamespaces = ["argo", "analytics"]; }],
  ["platforms.metaflow.namespace", (i) => { i.platforms.metaflow.namespace = "metaflow-x"; }],
  ["platforms.metaflow.storage.account", (i) => { i.platforms.metaflow.storage.account = "stother"; }],
  ["platforms.metaflow.storage.container", (i) => { i.platforms.metaflow.storage.container = "other"; }],
  ["platforms.metaflow.storage.resourceGroup", (i) => { i.platforms.metaflow.storage.resourceGroup = "rg-storage"; }],
  ["platforms.metaflow.sysrootPrefix", (i) => { i.platforms.metaflow.sysrootPrefix = "flows"; }],
  ["platforms.metaflow.database.host", (i) => { i.platforms.metaflow.database.host = "psql-other.postgres.database.azure.com"; }],
  ["platforms.metaflow.database.database", (i) => { i.platforms.metaflow.database.database = "metaflow2"; }],
  ["platforms.metaflow.database.username", (i) => { i.platforms.metaflow.database.username = "admin"; }],
  ["platforms.metaflow.database.passwordSecret", (i) => { i.platforms.metaflow.database.passwordSecret = "metaflow-pg"; }],
  ["nodePools[].name", (i) => { pool(i, "spot").name = "cheap"; i.namespaces[0].nodePool = "cheap"; }],
  ["nodePools[].preset", (i) => { pool(i).preset = "arm64"; pool(i).architecture = "arm64"; pool(i).skuFamilies = undefined; pool(i).skuSeries = ["Dps_v5"]; }],
  ["nodePools[].architecture", (i) => { pool(i, "spot").architecture = "arm64"; delete pool(i, "spot").skuSeries; }],
  ["nodePools[].skuFamilies", (i) => { pool(i).skuFamilies = ["E"]; }],
  ["nodePools[].skuSeries", (i) => { pool(i, "spot").skuSeries = ["Ds_v5", "Dds_v5", "Das_v5", "Es_v5", "Fs_v2"]; }],
  ["nodePools[].requirements[].key", (i) => { pool(i).requirements[0].key = "karpenter.azure.com/sku-memory"; pool(i).requirements[0].values = ["8192"]; }],
  ["nodePools[].requirements[].operator", (i) => { pool(i).requirements[0].operator = "Lt"; pool(i).requirements[0].values = ["65"]; }],
  ["nodePools[].requirements[].values", (i) => { pool(i).requirements[0].values = ["7"]; }],
  ["nodePools[].requirements[].minValues", (i) => { pool(i).requirements[1].minValues = 2; }],
  ["nodePools[].taints[].key", (i) => { pool(i).taints[0].key = "contoso.com/other"; }],
  ["nodePools[].taints[].value", (i) => { pool(i).taints[0].value = "other"; }],
  ["nodePools[].taints[].effect", (i) => { pool(i).taints[0].effect = "NoExecute"; }],
  ["nodePools[].labels", (i) => { pool(i).labels = { "contoso.com/pool": "other" }; }],
  ["nodePools[].limits", (i) => { pool(i).limits = { cpu: 128 }; }],
  ["nodePools[].disruption.consolidationPolicy", (i) => { pool(i).disruption.consolidationPolicy = "WhenEmpty"; pool(i).disruption.budgets[0].reasons = ["Empty"]; }],
  ["nodePools[].disruption.consolidateAfter", (i) => { pool(i).disruption.consolidateAfter = "10m"; }],
  ["nodePools[].disruption.budgets[].nodes", (i) => { pool(i).disruption.budgets[0].nodes = "20%"; }],
  ["nodePools[].disruption.budgets[].schedule", (i) => { pool(i).disruption.budgets[0].schedule = "0 9 * * 1-5"; }],
  ["nodePools[].disruption.budgets[].duration", (i) => { pool(i).disruption.budgets[0].duration = "4h"; }],
  ["nodePools[].disruption.budgets[].reasons", (i) => { pool(i).disruption.budgets[0].reasons = ["Drifted"]; }],
  ["nodePools[].expireAfter", (i) => { pool(i).expireAfter = "168h"; }],
  ["nodePools[].weight", (i) => { pool(i).weight = 20; }],
  ["nodePools[].nodeClass.imageFamily", (i) => { pool(i).nodeClass.imageFamily = "AzureLinux"; }],
  ["nodePools[].nodeClass.osDiskSizeGB", (i) => { pool(i).nodeClass.osDiskSizeGB = 256; }],
  ["nodePools[].nodeClass.vnetSubnetID", (i) => { pool(i).nodeClass.vnetSubnetID = "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/nodes"; }],
  ["nodePools[].nodeClass.maxPods", (i) => { pool(i).nodeClass.maxPods = 50; }],
  ["nodePools[].nodeClass.tags", (i) => { pool(i).nodeClass.tags = { team: "other" }; }],
  ["nodePools[].nodeClass.kubelet.cpuManagerPolicy", (i) => { kubelet(i).cpuManagerPolicy = "none"; }],
  ["nodePools[].nodeClass.kubelet.topologyManagerPolicy", (i) => { kubelet(i).topologyManagerPolicy = "restricted"; }],
  ["nodePools[].nodeClass.kubelet.cpuCFSQuota", (i) => { kubelet(i).cpuCFSQuota = false; }],
  ["nodePools[].nodeClass.kubelet.imageGCHighThresholdPercent", (i) => { kubelet(i).imageGCHighThresholdPercent = 90; }],
  ["nodePools[].nodeClass.kubelet.imageGCLowThresholdPercent", (i) => { kubelet(i).imageGCLowThresholdPercent = 70; }],
  ["nodePools[].nodeClass.kubelet.containerLogMaxSize", (i) => { kubelet(i).containerLogMaxSize = "20Mi"; }],
  ["nodePools[].nodeClass.kubelet.containerLogMaxFiles", (i) => { kubelet(i).containerLogMaxFiles = 3; }],
  ["nodePools[].nodeClass.kubelet.podPidsLimit", (i) => { kubelet(i).podPidsLimit = 2048; }],
  ["nodePools[].nodeClass.kubelet.allowedUnsafeSysctls", (i) => { kubelet(i).allowedUnsafeSysctls = ["net.ipv4.tcp_keepalive_time"]; }],
  ["nodePools[].nodeClass.gpuMode", (i) => { pool(i, "gpu").nodeClass.gpuMode = "None"; }],
  ["nodePools[].nodeClass.encryptionAtHost", (i) => { pool(i).nodeClass.encryptionAtHost = true; }],
  ["karpenter.mode", (i) => { i.karpenter = { mode: "self-hosted", ...SELF_HOSTED }; }],
  ["karpenter.clusterEndpoint", (i) => { selfHosted(i).clusterEndpoint = "https://alpha-other.hcp.westeurope.azmk8s.io:443"; }],
  ["karpenter.nodeResourceGroup", (i) => { selfHosted(i).nodeResourceGroup = "MC_rg-alpha_other_westeurope"; }],
  ["karpenter.vnetSubnetID", (i) => { selfHosted(i).vnetSubnetID = SELF_HOSTED.vnetSubnetID.replace("/subnets/nodes", "/subnets/other"); }],
  ["karpenter.sshPublicKey", (i) => { selfHosted(i).sshPublicKey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC8 other"; }],
  ["karpenter.clusterName", (i) => { selfHosted(i).clusterName = "alpha-aks"; }],
  ["karpenter.kubeletIdentity.resourceId", (i) => { selfHosted(i).kubeletIdentity.resourceId = SELF_HOSTED.kubeletIdentity.resourceId.replace("alpha-agentpool", "other-agentpool"); }],
  ["karpenter.kubeletIdentity.clientId", (i) => { selfHosted(i).kubeletIdentity.clientId = "44444444-0000-4000-8000-000000000009"; }],
  ["karpenter.network.plugin", (i) => { selfHosted(i).network = { plugin: "none" }; }],
  ["karpenter.network.pluginMode", (i) => { selfHosted(i).network.pluginMode = "none"; }],
  ["karpenter.network.policy", (i) => { selfHosted(i).network.policy = "azure"; }],
  ["karpenter.network.dataplane", (i) => { selfHosted(i).network = { plugin: "azure", pluginMode: "overlay", policy: "none", dataplane: "azure" }; }],
  ["karpenter.chartVersion", (i) => { selfHosted(i).chartVersion = "1.14.1"; }],
  ["karpenter.bootstrapTokenSecret", (i) => { selfHosted(i).bootstrapTokenSecret = "other-token"; }],
  ["karpenter.replicas", (i) => { selfHosted(i).replicas = 1; }],
  ["sops.age", (i) => { i.sops.age = [OTHER_AGE]; }],
  ["sops.azureKeyVault.vault", (i) => { i.sops.azureKeyVault.vault = "kv-other"; }],
  ["sops.azureKeyVault.key", (i) => { i.sops.azureKeyVault.key = "other"; }],
  ["sops.azureKeyVault.version", (i) => { i.sops.azureKeyVault.version = "0123456789abcdef0123456789abcdef"; }],
  ["sops.azureKeyVault.resourceGroup", (i) => { i.sops.azureKeyVault.resourceGroup = "rg-kv"; }],
  ["identities[].name", (i) => { i.identities[0].name = "reports"; }],
  ["identities[].resourceGroup", (i) => { i.identities[0].resourceGroup = "rg-ids"; }],
  ["identities[].serviceAccounts[].namespace", (i) => { i.identities[0].serviceAccounts[0].namespace = "ws-c"; }],
  ["identities[].serviceAccounts[].name", (i) => { i.identities[0].serviceAccounts[0].name = "reporter"; }],
  ["identities[].workspaces.namespaces", (i) => { i.identities[1].workspaces.namespaces = ["ws-a"]; }],
  ["identities[].workspaces.serviceAccount", (i) => { i.identities[1].workspaces.serviceAccount = "worker"; }],
  ["identities[].external[].name", (i) => { i.identities[2].external[0].name = "vendor"; }],
  ["identities[].external[].issuer", (i) => { i.identities[2].external[0].issuer = "https://oidc.other.example.com/"; }],
  ["identities[].external[].subject", (i) => { i.identities[2].external[0].subject = "org:contoso:other"; }],
  ["identities[].external[].audience", (i) => { i.identities[2].external[0].audience = "api://other"; }],
  ["identities[].roles[].role", (i) => { i.identities[0].roles[0].role = "Storage Blob Data Reader"; }],
  ["identities[].roles[].role.custom", (i) => { i.identities[0].roles[0].role = { custom: "append" }; }],
  ["identities[].roles[].scope.storageContainer.account", (i) => { role(i, 0).storageContainer.account = "stother"; }],
  ["identities[].roles[].scope.storageContainer.container", (i) => { role(i, 0).storageContainer.container = "other"; }],
  ["identities[].roles[].scope.storageContainer.resourceGroup", (i) => { role(i, 0).storageContainer.resourceGroup = "rg-storage"; }],
  ["identities[].roles[].scope.storageAccount.name", (i) => { role(i, 1).storageAccount.name = "stother"; }],
  ["identities[].roles[].scope.storageAccount.resourceGroup", (i) => { role(i, 1).storageAccount.resourceGroup = "rg-storage"; }],
  ["identities[].roles[].scope.keyVaultKey.vault", (i) => { role(i, 2).keyVaultKey.vault = "kv-other"; }],
  ["identities[].roles[].scope.keyVaultKey.key", (i) => { role(i, 2).keyVaultKey.key = "other"; }],
  ["identities[].roles[].scope.keyVaultKey.resourceGroup", (i) => { role(i, 2).keyVaultKey.resourceGroup = "rg-kv"; }],
  ["identities[].roles[].scope.keyVaultSecret.vault", (i) => { role(i, 3).keyVaultSecret.vault = "kv-other"; }],
  ["identities[].roles[].scope.keyVaultSecret.secret", (i) => { role(i, 3).keyVaultSecret.secret = "other"; }],
  ["identities[].roles[].scope.keyVaultSecret.resourceGroup", (i) => { role(i, 3).keyVaultSecret.resourceGroup = "rg-kv"; }],
  ["identities[].roles[].scope.keyVault.name", (i) => { role(i, 4).keyVault.name = "kv-other"; }],
  ["identities[].roles[].scope.keyVault.resourceGroup", (i) => { role(i, 4).keyVault.resourceGroup = "rg-kv"; }],
  ["identities[].roles[].scope.containerRegistry.name", (i) => { role(i, 5).containerRegistry.name = "crother"; }],
  ["identities[].roles[].scope.containerRegistry.resourceGroup", (i) => { role(i, 5).containerRegistry.resourceGroup = "rg-acr"; }],
  ["identities[].roles[].scope.resourceGroup", (i) => { i.identities[0].roles[6].scope = { resourceGroup: "rg-other" }; }],
  ["identities[].roles[].scope.subscription", (i) => { i.identities[0].roles.pop(); }],
  ["customRoles[].name", (i) => { i.customRoles[0].name = "append2"; i.identities[2].roles[0].role = { custom: "append2" }; }],
  ["customRoles[].description", (i) => { i.customRoles[0].description = "other"; }],
  ["customRoles[].actions", (i) => { i.customRoles[0].actions = ["Microsoft.Storage/storageAccounts/read"]; }],
  ["customRoles[].notActions", (i) => { i.customRoles[0].notActions = ["Microsoft.Storage/storageAccounts/write"]; }],
  ["customRoles[].dataActions", (i) => { i.customRoles[0].dataActions = ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"]; }],
  ["customRoles[].notDataActions", (i) => { i.customRoles[0].notDataActions = ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write"]; }],
  ["customRoles[].scope.resourceGroup", (i) => { i.customRoles[0].scope = { resourceGroup: "rg-other" }; i.identities[2].roles[0].scope.storageContainer.resourceGroup = "rg-other"; }],
  ["customRoles[].scope.subscription", (i) => { i.customRoles[0].scope = { subscription: true }; }],
];

/** Fields whose effect is not in what `produce` returns, with the test that shows it. */
const ELSEWHERE: Record<string, string> = {
  kubernetesVersion: "synth checks each object against that version's Kubernetes schema, validate renders with helm --kube-version: packages/render/test/validate-kubernetes-versions.test.ts, apps/fleet/test/render-cache.test.ts",
  "flux.images[].automate.values[].platform": "synth sets the image from images.yaml into this platform's HelmRelease values: test/image-automation.test.ts",
  "flux.images[].automate.values[].path": "synth sets the image from images.yaml at this path of the platform's values: test/image-automation.test.ts",
  "secrets[].namespace": "synth refuses when the Secret's file is missing: test/synth-secrets.test.ts › a referenced Secret that has no file",
  "secrets[].name": "synth refuses when the Secret's file is missing: test/synth-secrets.test.ts › a referenced Secret that has no file",
  "secrets[].keys": "synth refuses a Secret file without these keys: test/synth-secrets.test.ts › a referenced key that the Secret lacks",
};

describe("every field of the cluster spec changes what flotilla makes of the cluster", () => {
  const before = produce(base());

  const selfHostedBase = base();
  selfHosted(selfHostedBase);
  const beforeSelfHosted = produce(selfHostedBase);

  it.each(ROWS)("%s", (field, change) => {
    const input = structuredClone(base());
    change(input);
    const unchanged = field.startsWith("karpenter.") && field !== "karpenter.mode" ? beforeSelfHosted : before;
    expect(produce(input)).not.toBe(unchanged);
  });

  it("every field of the schema has a row (container fields count through their children)", () => {
    const fields = allFields(clusterSpecSchemaFor(PLATFORMS)).map(({ parent, key }) => (parent === "" ? key : `${parent}.${key}`));
    const covered = new Set([...ROWS.map(([field]) => field), ...Object.keys(ELSEWHERE)]);
    const isContainer = (field: string) => fields.some((other) => other.startsWith(`${field}.`) || other.startsWith(`${field}[].`));
    const missing = fields.filter((field) => !covered.has(field) && !isContainer(field));
    expect(missing).toEqual([]);
    expect([...covered].filter((field) => !fields.includes(field))).toEqual([]);
  });
});

describe("a field that could not work is refused with the reason", () => {
  it("platforms.argoWorkflows.database.username: Argo reads the login from its Secret", () => {
    const input = base();
    input.platforms.argoWorkflows.database.username = "argo";
    // The fix names the command as the CLI passes it (its pnpm alias), and by its flotilla name without.
    const loaded = loadFleet([{ file: "clusters/alpha.ts", exported: input }], PLATFORMS, COMMAND_HINTS);
    expect(loaded.ok).toBe(false);
    expect(loaded.ok ? [] : loaded.problems.map((problem) => `${problem.path}: ${problem.message}`)).toEqual([
      expect.stringMatching(/^platforms\.argoWorkflows\.database\.username: .*Argo Workflows reads the database login only from the `username` key of its database Secret .*`pnpm secret set <cluster> argo\/argo-db --from-literal username=<login>/),
    ]);
    const bare = loadFleet([{ file: "clusters/alpha.ts", exported: input }], PLATFORMS);
    expect(bare.ok ? [] : bare.problems.map((problem) => problem.message)).toEqual([expect.stringContaining("set it with `secret set <cluster> argo/argo-db")]);
  });
});
