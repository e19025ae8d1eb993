/**
 * How Karpenter runs on a cluster, and what the self-hosted controller needs: its settings, its
 * chart, its ServiceAccount and the Azure roles of its identity. Pure.
 *
 * - `node-auto-provisioning` (NAP): AKS runs Karpenter and owns its CRDs; flotilla ships only
 *   NodePools and AKSNodeClasses.
 * - `self-hosted`: flotilla ships the controller's HelmRelease (CRDs from the chart), and the
 *   identity plan adds its managed identity, federated credential and role assignments.
 *
 * @see https://github.com/Azure/karpenter-provider-azure#node-auto-provisioning-nap-vs-self-hosted-karpenter
 */
import { checkIntegerRange, checkSubnetId, resourceGroupOf, virtualNetworkOf } from "./formats.js";
import type { ModelProblem, ProblemPath } from "./requirement-checks.js";

/** Where and as what the self-hosted controller runs (as in the provider's install guide). */
export const KARPENTER_CONTROLLER = {
  /** Namespace of the controller (the provider's guide installs into kube-system). */
  namespace: "kube-system",
  /** Its ServiceAccount, federated with the controller identity. */
  serviceAccount: "karpenter-sa",
  /** Helm release name (the Deployment is called `karpenter`). */
  releaseName: "karpenter",
  /** Key of the controller's identity in the identity plan and outputs (`id-<cluster>-karpenter`). */
  identityKey: "karpenter",
} as const;

/** The Azure provider's chart, published as an OCI artifact with each release. */
export const KARPENTER_CHART = {
  url: "oci://mcr.microsoft.com/aks/karpenter/karpenter",
  /** The released provider version whose CRDs are vendored in crds/ (see crds/SOURCES.md). */
  version: "1.14.2",
} as const;

/** Default name of the Secret (in kube-system) holding `KUBELET_BOOTSTRAP_TOKEN`. */
export const DEFAULT_BOOTSTRAP_TOKEN_SECRET = "karpenter-bootstrap-token";

/** The cluster's network, as the controller must know it to bootstrap nodes. */
export interface KarpenterNetworkOptions {
  /**
   * `azure` (Azure CNI) or `none` (bring your own CNI). Kubenet is not supported by Karpenter.
   * @default "azure"
   */
  plugin?: "azure" | "none" | undefined;
  /**
   * `overlay` (Azure CNI overlay) or `none` (pods in the node subnet).
   * @default "overlay"
   */
  pluginMode?: "overlay" | "none" | undefined;
  /**
   * Network policy engine. Calico is not supported by Karpenter.
   * @default "none"
   */
  policy?: "none" | "azure" | "cilium" | undefined;
  /**
   * Network dataplane.
   * @default "cilium"
   */
  dataplane?: "azure" | "cilium" | undefined;
}

/** The kubelet identity the nodes get (the cluster's, from `az aks show --query identityProfile.kubeletidentity`). */
export interface KubeletIdentityOptions {
  /** ARM ID of the user-assigned identity. */
  resourceId: string;
  /** Its client ID. */
  clientId: string;
}

/** Settings of a self-hosted Karpenter controller (values `az aks show` prints). */
export interface SelfHostedKarpenterOptions {
  /** The API server URL nodes join, `https://<fqdn>:443` (`kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}'`). */
  clusterEndpoint: string;
  /** The cluster's node resource group (`az aks show --query nodeResourceGroup -o tsv`), where Karpenter creates VMs. */
  nodeResourceGroup: string;
  /** Default subnet of the nodes (`az aks show --query "agentPoolProfiles[0].vnetSubnetId" -o tsv`). */
  vnetSubnetID: string;
  /** SSH public key of the nodes' admin user (`ssh-rsa AAAA...`); public, safe in Git. */
  sshPublicKey: string;
  /**
   * The AKS cluster's name (used in tags and node bootstrap).
   * @default the flotilla cluster name
   */
  clusterName?: string | undefined;
  /**
   * The kubelet identity of the nodes (to pull from ACR).
   * @default - none
   */
  kubeletIdentity?: KubeletIdentityOptions | undefined;
  /**
   * The cluster's network settings.
   * @default { plugin: "azure", pluginMode: "overlay", policy: "none", dataplane: "cilium" }
   */
  network?: KarpenterNetworkOptions | undefined;
  /**
   * Chart version of `oci://mcr.microsoft.com/aks/karpenter/karpenter` (the provider release). Keep
   * it equal to the vendored CRDs' release, or re-vendor them.
   * @default "1.14.2"
   */
  chartVersion?: string | undefined;
  /**
   * Secret in kube-system whose key `KUBELET_BOOTSTRAP_TOKEN` holds a bootstrap token
   * (`<id>.<secret>`) for new nodes. Create it yourself (e.g. SOPS-encrypted): flotilla never
   * writes a plaintext Secret. Self-hosted Karpenter leaves rotating it to you.
   * @default "karpenter-bootstrap-token"
   */
  bootstrapTokenSecret?: string | undefined;
  /**
   * Controller replicas (one leads, the others stand by).
   * @default 2
   */
  replicas?: number | undefined;
}

/** {@link SelfHostedKarpenterOptions} with every default filled. */
export interface ResolvedSelfHostedKarpenter {
  clusterEndpoint: string;
  nodeResourceGroup: string;
  vnetSubnetID: string;
  sshPublicKey: string;
  clusterName: string;
  kubeletIdentity: KubeletIdentityOptions | undefined;
  network: Required<{ [K in keyof KarpenterNetworkOptions]: NonNullable<KarpenterNetworkOptions[K]> }>;
  chartVersion: string;
  bootstrapTokenSecret: string;
  replicas: number;
  /** Namespace of the controller (kube-system). */
  namespace: string;
  /** ServiceAccount of the controller (karpenter-sa). */
  serviceAccount: string;
}

/** Fills the defaults of self-hosted settings. */
export function resolveSelfHosted(options: SelfHostedKarpenterOptions, clusterName: string): ResolvedSelfHostedKarpenter {
  return {
    clusterEndpoint: options.clusterEndpoint,
    nodeResourceGroup: options.nodeResourceGroup,
    vnetSubnetID: options.vnetSubnetID,
    sshPublicKey: options.sshPublicKey,
    clusterName: options.clusterName ?? clusterName,
    kubeletIdentity: options.kubeletIdentity === undefined ? undefined : { ...options.kubeletIdentity },
    network: {
      plugin: options.network?.plugin ?? "azure",
      pluginMode: options.network?.pluginMode ?? "overlay",
      policy: options.network?.policy ?? "none",
      dataplane: options.network?.dataplane ?? "cilium",
    },
    chartVersion: options.chartVersion ?? KARPENTER_CHART.version,
    bootstrapTokenSecret: options.bootstrapTokenSecret ?? DEFAULT_BOOTSTRAP_TOKEN_SECRET,
    replicas: options.replicas ?? 2,
    namespace: KARPENTER_CONTROLLER.namespace,
    serviceAccount: KARPENTER_CONTROLLER.serviceAccount,
  };
}

const SSH_PUBLIC_KEY = /^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,3}( \S.*)?$/;
const RESOURCE_GROUP = /^[-\w._()]{1,90}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IDENTITY_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i;

/**
 * Checks self-hosted settings; paths are relative to the `karpenter` object. Fields that are
 * missing or of the wrong type are skipped (the schema reports those), so the others are still
 * checked.
 */
export function selfHostedProblems(options: SelfHostedKarpenterOptions): ModelProblem[] {
  const problems: ModelProblem[] = [];
  const add = (path: ProblemPath, message: string | undefined) => {
    if (message !== undefined) problems.push({ path, message });
  };
  const text = (value: unknown): value is string => typeof value === "string";
  const { clusterEndpoint, nodeResourceGroup, vnetSubnetID, sshPublicKey, clusterName, kubeletIdentity, chartVersion, bootstrapTokenSecret, replicas } = options;
  if (text(clusterEndpoint)) {
    let endpoint: URL | undefined;
    try {
      endpoint = new URL(clusterEndpoint);
    } catch {
      endpoint = undefined;
    }
    if (endpoint === undefined || endpoint.protocol !== "https:" || endpoint.pathname !== "/" || endpoint.search !== "" || endpoint.hostname.length < 33) {
      add(
        ["clusterEndpoint"],
        `expected the API server URL "https://<fqdn>:443" (kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}'; the AKS FQDN is at least 33 characters); got ${JSON.stringify(clusterEndpoint)}`,
      );
    }
  }
  if (text(nodeResourceGroup) && (!RESOURCE_GROUP.test(nodeResourceGroup) || nodeResourceGroup.endsWith("."))) {
    add(["nodeResourceGroup"], `expected the node resource group name, like "MC_rg-ml-prod_prod_northeurope" (az aks show --query nodeResourceGroup -o tsv); got ${JSON.stringify(nodeResourceGroup)}`);
  }
  if (text(vnetSubnetID)) add(["vnetSubnetID"], checkSubnetId(vnetSubnetID));
  if (text(sshPublicKey) && !SSH_PUBLIC_KEY.test(sshPublicKey)) {
    add(["sshPublicKey"], "expected an OpenSSH public key on one line, like \"ssh-rsa AAAAB3Nza... azureuser\" (the .pub file, never the private key)");
  }
  if (text(clusterName) && !/^[a-zA-Z0-9]([-_a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/.test(clusterName)) {
    add(["clusterName"], `expected the AKS cluster name (letters, digits, '-' and '_', at most 63); got ${JSON.stringify(clusterName)}`);
  }
  if (typeof kubeletIdentity === "object" && kubeletIdentity !== null) {
    if (text(kubeletIdentity.resourceId) && !IDENTITY_ID.test(kubeletIdentity.resourceId)) {
      add(["kubeletIdentity", "resourceId"], "expected a user-assigned identity ID (az aks show --query identityProfile.kubeletidentity.resourceId -o tsv)");
    }
    if (text(kubeletIdentity.clientId) && !GUID.test(kubeletIdentity.clientId)) add(["kubeletIdentity", "clientId"], "expected the identity's client ID, a GUID");
  }
  if (text(chartVersion) && !/^[0-9]+\.[0-9]+\.[0-9]+$/.test(chartVersion)) {
    add(["chartVersion"], `expected an exact chart version like "1.14.2" (the provider release); got ${JSON.stringify(chartVersion)}`);
  }
  if (text(bootstrapTokenSecret) && !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(bootstrapTokenSecret)) {
    add(["bootstrapTokenSecret"], `expected a Secret name (lowercase DNS subdomain); got ${JSON.stringify(bootstrapTokenSecret)}`);
  }
  if (typeof replicas === "number") add(["replicas"], checkIntegerRange(replicas, 1, 10, "replicas"));
  return problems;
}

/** A role the controller identity needs, on an ARM scope. */
export interface ControllerRoleAssignment {
  /** Built-in role name. */
  role: "Virtual Machine Contributor" | "Network Contributor" | "Managed Identity Operator";
  /** ARM scope ID. */
  scope: string;
  /** Why, for plans and docs. */
  reason: string;
}

/**
 * The roles of the self-hosted controller's identity, as the provider's install guide grants them:
 * Virtual Machine Contributor, Network Contributor and Managed Identity Operator on the node
 * resource group (VMs, NICs, and assigning the kubelet identity to VMs); and Network Contributor
 * on every virtual network outside it whose subnet nodes join (custom VNets). Sorted, deduplicated.
 */
export function controllerRoleAssignments(
  subscriptionId: string,
  settings: Pick<ResolvedSelfHostedKarpenter, "nodeResourceGroup" | "vnetSubnetID">,
  nodeClassSubnets: readonly string[] = [],
): ControllerRoleAssignment[] {
  const nodeGroup = `/subscriptions/${subscriptionId}/resourceGroups/${settings.nodeResourceGroup}`;
  const assignments: ControllerRoleAssignment[] = [
    { role: "Virtual Machine Contributor", scope: nodeGroup, reason: "create and delete the node VMs" },
    { role: "Network Contributor", scope: nodeGroup, reason: "create the node NICs" },
    { role: "Managed Identity Operator", scope: nodeGroup, reason: "assign the kubelet identity to node VMs" },
  ];
  const seen = new Set<string>();
  for (const subnet of [settings.vnetSubnetID, ...nodeClassSubnets]) {
    if (resourceGroupOf(subnet) === settings.nodeResourceGroup.toLowerCase()) continue;
    const vnet = virtualNetworkOf(subnet);
    if (seen.has(vnet.toLowerCase())) continue;
    seen.add(vnet.toLowerCase());
    assignments.push({ role: "Network Contributor", scope: vnet, reason: "join node NICs to a subnet of this virtual network" });
  }
  return assignments;
}
