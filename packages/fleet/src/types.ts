/**
 * The ClusterSpec types: {@link ClusterSpecInput} is what users write in
 * `apps/fleet/src/clusters/<name>.ts`; {@link ClusterSpec} is the validated result with every
 * default filled in. Both are checked against `clusterSpecSchema` at compile time.
 */

/**
 * A Flux duration: Go duration units `ms`, `s`, `m`, `h`, e.g. `"30s"`, `"5m"`, `"1h30m"`.
 * Must be greater than zero.
 */
export type FluxDuration = string;

/**
 * How Flux itself was installed on the cluster:
 * - `"flux-cli"`: `flux bootstrap github|git|azure-devops ...` (Flux manages its own manifests in
 *   `flux-system`, and creates the `flux-system` Git credentials Secret).
 * - `"aks-extension"`: the AKS GitOps cluster extension (`microsoft.flux`), managed by Azure.
 */
export type FluxBootstrap = "flux-cli" | "aks-extension";

/** Where the AKS cluster lives in Azure. All fields are required. */
export interface AzureSpecInput {
  /**
   * Microsoft Entra tenant ID, a UUID (`az account show --query tenantId -o tsv`).
   */
  tenantId: string;
  /**
   * Azure subscription ID of the AKS cluster, a UUID (`az account show --query id -o tsv`).
   */
  subscriptionId: string;
  /**
   * Resource group of the AKS cluster: 1-90 letters, digits, `-`, `_`, `.`, `(`, `)`; not ending
   * in `.`. Example: `"rg-ml-dev"`.
   */
  resourceGroup: string;
  /**
   * Programmatic Azure region name, lowercase without spaces: `"westeurope"`, `"eastus2"`
   * (`az account list-locations --query "[].name" -o tsv`).
   */
  location: string;
  /**
   * The cluster's OIDC issuer URL, exactly as printed by
   * `az aks show -g <rg> -n <cluster> --query oidcIssuerProfile.issuerUrl -o tsv`, e.g.
   * `"https://westeurope.oic.prod-aks.azure.com/<tenant>/<guid>/"`. Must be https without query or
   * fragment. Kept byte for byte (trailing slash included): federated identity credentials must
   * match the issuer exactly. Must be unique across the fleet.
   */
  oidcIssuerUrl: string;
}

/** The Git repository and directory Flux syncs this cluster from. */
export interface GitSpecInput {
  /**
   * Repository URL, in one of the forms Flux accepts:
   * - `https://github.com/<org>/<repo>[.git]`
   * - `ssh://git@github.com/<org>/<repo>[.git]`
   * - `https://dev.azure.com/<org>/<project>/_git/<repo>` (optionally `https://<user>@dev.azure.com/...`)
   * - `ssh://git@ssh.dev.azure.com/v3/<org>/<project>/<repo>`
   *
   * scp-like addresses (`git@github.com:org/repo.git`) are not supported by Flux: write
   * `ssh://git@github.com/org/repo.git` instead. Never put credentials in the URL.
   */
  url: string;
  /**
   * Branch to sync: a valid Git branch name (short form, without `refs/heads/`).
   * @default "main"
   */
  branch?: string | undefined;
  /**
   * Directory of the repository holding this cluster's manifests: relative to the repository
   * root, no leading or trailing `/`, no `.` or `..` parts. Must not equal or contain (or lie
   * inside) another cluster's path.
   * @default `clusters/<name>`
   */
  path?: string | undefined;
  /**
   * Name of the Secret in `flux-system` holding the Git credentials; `null` for a public
   * repository over https (ssh URLs always need one).
   * @default "flux-system" (the Secret `flux bootstrap` creates)
   */
  secretRef?: string | null | undefined;
}

/** How Flux is installed and how often it syncs. */
export interface FluxSpecInput {
  /**
   * How Flux itself was installed on the cluster.
   * @default "flux-cli"
   */
  bootstrap?: FluxBootstrap | undefined;
  /**
   * How often Flux fetches the Git repository (GitRepository `spec.interval`).
   * @default "1m"
   */
  sourceInterval?: FluxDuration | undefined;
  /**
   * How often Flux re-applies the manifests to correct drift (Kustomization `spec.interval`).
   * @default "10m"
   */
  reconcileInterval?: FluxDuration | undefined;
  /**
   * How long Flux waits before retrying a failed reconciliation (Kustomization `spec.retryInterval`).
   * @default "2m"
   */
  retryInterval?: FluxDuration | undefined;
  /**
   * How long one apply, health check and prune may take (Kustomization `spec.timeout`).
   * @default "5m"
   */
  timeout?: FluxDuration | undefined;
}

/** An extra namespace created on the cluster. */
export interface NamespaceSpecInput {
  /**
   * Namespace name: a DNS-1123 label (at most 63 lowercase letters, digits and `-`). Must be unique
   * within the cluster and not reserved (`default`, `flux-system`, `kube-node-lease`,
   * `kube-public`, `kube-system`, or any `kube-*`).
   */
  name: string;
  /**
   * Labels of the namespace; keys and values must be valid Kubernetes label keys and values.
   * @default {}
   */
  labels?: Record<string, string> | undefined;
}

/**
 * Workflow platforms to install (extension point: flyte, argo-workflows and metaflow come
 * later). No platform is supported yet, so any key is an error.
 */
export type PlatformsSpecInput = Record<string, never>;

/** One cluster of the fleet, as written in `apps/fleet/src/clusters/<name>.ts`. */
export interface ClusterSpecInput {
  /**
   * Cluster name: lowercase letters, digits and `-`, starting with a letter and ending with a
   * letter or digit, at most 40 characters (it is embedded in Azure and Kubernetes resource
   * names). Must equal the file name: `clusters/<name>.ts`. Must be unique across the fleet.
   */
  name: string;
  /** Where the AKS cluster lives in Azure. */
  azure: AzureSpecInput;
  /** The Git repository Flux syncs this cluster from. */
  git: GitSpecInput;
  /**
   * How Flux is installed and how often it syncs.
   * @default {} (every field at its default)
   */
  flux?: FluxSpecInput | undefined;
  /**
   * Extra namespaces to create.
   * @default []
   */
  namespaces?: NamespaceSpecInput[] | undefined;
  /**
   * Workflow platforms to install. Extension point: no platform is supported yet.
   * @default {}
   */
  platforms?: PlatformsSpecInput | undefined;
  /**
   * Extra AKS node pools. Extension point: not supported yet, must be empty.
   * @default []
   */
  nodePools?: never[] | undefined;
  /**
   * Secrets to sync into the cluster. Extension point: not supported yet, must be empty.
   * @default []
   */
  secrets?: never[] | undefined;
}

/** Validated {@link AzureSpecInput}. */
export interface AzureSpec {
  /** Microsoft Entra tenant ID (UUID), as written. */
  tenantId: string;
  /** Azure subscription ID (UUID), as written. */
  subscriptionId: string;
  /** Resource group of the AKS cluster. */
  resourceGroup: string;
  /** Programmatic Azure region name, e.g. `westeurope`. */
  location: string;
  /** OIDC issuer URL, exactly as written (never normalised). */
  oidcIssuerUrl: string;
}

/** Validated {@link GitSpecInput} with defaults filled. */
export interface GitSpec {
  /** Repository URL, as written (see `parseGitUrl` for its parts). */
  url: string;
  /** Branch to sync. */
  branch: string;
  /** Directory of this cluster's manifests, relative to the repository root. */
  path: string;
  /** Secret in `flux-system` with the Git credentials, or `null` for a public repository. */
  secretRef: string | null;
}

/** Validated {@link FluxSpecInput} with defaults filled. */
export interface FluxSpec {
  /** How Flux itself was installed. */
  bootstrap: FluxBootstrap;
  /** GitRepository `spec.interval`. */
  sourceInterval: FluxDuration;
  /** Kustomization `spec.interval`. */
  reconcileInterval: FluxDuration;
  /** Kustomization `spec.retryInterval`. */
  retryInterval: FluxDuration;
  /** Kustomization `spec.timeout`. */
  timeout: FluxDuration;
}

/** Validated {@link NamespaceSpecInput} with defaults filled. */
export interface NamespaceSpec {
  /** Namespace name. */
  name: string;
  /** Namespace labels (empty when none were given). */
  labels: Record<string, string>;
}

/** Validated {@link PlatformsSpecInput}: always empty for now. */
export type PlatformsSpec = Record<string, never>;

/** A validated cluster: {@link ClusterSpecInput} with every default filled in. */
export interface ClusterSpec {
  /** Cluster name, equal to its file name. */
  name: string;
  /** Where the AKS cluster lives in Azure. */
  azure: AzureSpec;
  /** The Git repository Flux syncs from. */
  git: GitSpec;
  /** How Flux is installed and how often it syncs. */
  flux: FluxSpec;
  /** Extra namespaces, in the order written. */
  namespaces: NamespaceSpec[];
  /** Workflow platforms (always empty for now). */
  platforms: PlatformsSpec;
  /** Extra node pools (always empty for now). */
  nodePools: never[];
  /** Secrets (always empty for now). */
  secrets: never[];
}
