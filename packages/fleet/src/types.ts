import type { FluxAzureSpec, FluxAzureSpecInput } from "./flux-azure-types.js";
/**
 * The ClusterSpec types: {@link ClusterSpecInput} is what users write in
 * `<fleet dir>/<name>.ts`; {@link ClusterSpec} is the validated result with every
 * default filled in. Both are checked against `clusterSpecSchema` at compile time.
 */
import type { KarpenterSpec, KarpenterSpecInput, NodePoolSpec, NodePoolSpecInput } from "./node-pool-types.js";

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
export interface FluxSpecInput extends FluxAzureSpecInput {
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
  /**
   * Pins the namespace (a workspace) to a node pool of `nodePools`: synth renders the ConfigMap
   * `node-pool-scheduling` in it whose `values.yaml` holds the pool's `nodeSelector` and
   * `tolerations` (`podSchedulingFor` of `@flotilla/karpenter`), for the namespace's HelmReleases
   * to use with `valuesFrom: [{ kind: ConfigMap, name: node-pool-scheduling }]`.
   * @default - not pinned
   */
  nodePool?: string | undefined;
}

/** The ML platforms to install: one key per registered platform (see `@flotilla/fleet/platform`). */
export type PlatformsSpecInput = import("./platform/index.js").PlatformsSpecInput;

/**
 * A ServiceAccount synth renders and annotates with an identity's client ID; the identity gets
 * one federated credential for it (subject `system:serviceaccount:<namespace>:<name>`).
 */
export interface ServiceAccountRefInput {
  /**
   * Namespace of the ServiceAccount: one of the namespaces this cluster renders (`namespaces`).
   */
  namespace: string;
  /** ServiceAccount name: a lowercase Kubernetes object name (DNS-1123 subdomain). */
  name: string;
}

/**
 * A set of workspace namespaces (e.g. `analytics-prod`, `analytics-staging`) whose workloads share
 * one identity: synth renders a ServiceAccount named `serviceAccount` in each namespace, and the
 * identity gets one federated credential per namespace.
 */
export interface WorkspacesSpecInput {
  /** The workspace namespaces (at least one), each one of the namespaces this cluster renders. */
  namespaces: string[];
  /** Name of the ServiceAccount rendered in every workspace namespace, e.g. `"analytics-runner"`. */
  serviceAccount: string;
}

/**
 * A federated credential for a token issuer outside the cluster, written verbatim: e.g. a
 * vendor control plane whose identity runs jobs in this (bring-your-own-cloud) data plane.
 */
export interface ExternalFederationSpecInput {
  /**
   * Short name, a DNS-1123 label; the credential is named `ext-<name>` in Azure. Unique within
   * the identity.
   */
  name: string;
  /**
   * The issuer's https URL, exactly as in the tokens' `iss` claim (kept byte for byte, trailing
   * slash included). At most 600 characters. Must not be this cluster's own issuer: list the
   * cluster's ServiceAccounts in `serviceAccounts` or `workspaces` instead.
   */
  issuer: string;
  /** The tokens' `sub` claim, verbatim (1-600 characters, no surrounding spaces). */
  subject: string;
  /**
   * The tokens' `aud` claim (1-600 characters).
   * @default "api://AzureADTokenExchange"
   */
  audience?: string | undefined;
}

/**
 * The resource a role is granted on. Exactly one key. Narrow scopes come first: prefer the
 * container, key, secret or registry the workload uses over its account, vault, resource group
 * or the subscription. `resourceGroup` inside a resource scope defaults to the cluster's
 * `azure.resourceGroup`; the subscription is always the cluster's.
 */
export type RoleScopeInput =
  | {
      /** A blob container of a storage account. */
      storageContainer: {
        /** Storage account name: 3-24 lowercase letters and digits. */
        account: string;
        /** Container name: 3-63 lowercase letters, digits and '-'. */
        container: string;
        /**
         * Resource group of the storage account.
         * @default the cluster's `azure.resourceGroup`
         */
        resourceGroup?: string | undefined;
      };
    }
  | {
      /** A whole storage account (every container in it). */
      storageAccount: {
        /** Storage account name: 3-24 lowercase letters and digits. */
        name: string;
        /**
         * Resource group of the storage account.
         * @default the cluster's `azure.resourceGroup`
         */
        resourceGroup?: string | undefined;
      };
    }
  | {
      /** One key of a Key Vault (RBAC permission model). */
      keyVaultKey: {
        /** Key Vault name: 3-24 letters, digits and '-'. */
        vault: string;
        /** Key name: 1-127 letters, digits and '-'. */
        key: string;
        /**
         * Resource group of the Key Vault.
         * @default the cluster's `azure.resourceGroup`
         */
        resourceGroup?: string | undefined;
      };
    }
  | {
      /** One secret of a Key Vault (RBAC permission model). */
      keyVaultSecret: {
        /** Key Vault name: 3-24 letters, digits and '-'. */
        vault: string;
        /** Secret name: 1-127 letters, digits and '-'. */
        secret: string;
        /**
         * Resource group of the Key Vault.
         * @default the cluster's `azure.resourceGroup`
         */
        resourceGroup?: string | undefined;
      };
    }
  | {
      /** A whole Key Vault (every key and secret in it). */
      keyVault: {
        /** Key Vault name: 3-24 letters, digits and '-'. */
        name: string;
        /**
         * Resource group of the Key Vault.
         * @default the cluster's `azure.resourceGroup`
         */
        resourceGroup?: string | undefined;
      };
    }
  | {
      /** A container registry (ACR). */
      containerRegistry: {
        /** Registry name (not the login server): 5-50 letters and digits. */
        name: string;
        /**
         * Resource group of the registry.
         * @default the cluster's `azure.resourceGroup`
         */
        resourceGroup?: string | undefined;
      };
    }
  | {
      /** A whole resource group, by name (in the cluster's subscription). */
      resourceGroup: string;
    }
  | {
      /** The cluster's whole subscription: only when written explicitly, and rarely right. */
      subscription: true;
    };

/** A reference to a role of `customRoles`, by its `name`. */
export interface CustomRoleRefInput {
  /** The `name` of an entry of the cluster's `customRoles`. */
  custom: string;
}

/** A role granted to an identity on one scope. */
export interface RoleAssignmentSpecInput {
  /**
   * A built-in role by its Azure name (`"AcrPull"`, `"Key Vault Crypto User"`,
   * `"Key Vault Secrets User"`, `"Reader"`, `"Storage Blob Data Contributor"`,
   * `"Storage Blob Data Owner"`, `"Storage Blob Data Reader"`), or `{ custom: "<name>" }` for a
   * role of `customRoles`. Built-in roles are only accepted at scopes where they grant something
   * (e.g. AcrPull on a registry, not on a storage container).
   */
  role: string | CustomRoleRefInput;
  /** Where the role applies: the narrowest resource the workload needs. */
  scope: RoleScopeInput;
}

/** A user-assigned managed identity for the cluster's workloads (Azure Workload Identity). */
export interface IdentitySpecInput {
  /**
   * The identity's name: a DNS-1123 label (at most 63 lowercase letters, digits and '-'), unique
   * within the cluster. It is the identity's key in the cluster's identity outputs file (`<cluster>.json`);
   * the managed identity is named `id-<cluster>-<name>` in Azure.
   */
  name: string;
  /**
   * Resource group the managed identity is created in.
   * @default the cluster's `azure.resourceGroup`
   */
  resourceGroup?: string | undefined;
  /**
   * ServiceAccounts that use this identity: synth renders each one, annotated with the
   * identity's client ID, and the identity gets one federated credential per ServiceAccount.
   * @default []
   */
  serviceAccounts?: ServiceAccountRefInput[] | undefined;
  /**
   * Workspace namespaces sharing this identity through a ServiceAccount of the same name in each.
   * @default none
   */
  workspaces?: WorkspacesSpecInput | undefined;
  /**
   * Federated credentials for token issuers outside the cluster, verbatim.
   * @default []
   */
  external?: ExternalFederationSpecInput[] | undefined;
  /**
   * Roles granted to the identity, each on the narrowest scope that works.
   * @default []
   */
  roles?: RoleAssignmentSpecInput[] | undefined;
}

/** Where a custom role is defined, which is also the widest scope it can be assigned at. */
export type CustomRoleScopeInput =
  | {
      /** A resource group of the cluster's subscription, by name. */
      resourceGroup: string;
    }
  | {
      /** The cluster's subscription. */
      subscription: true;
    };

/**
 * A least-privilege custom role definition, created in Azure as `flotilla-<cluster>-<name>`.
 * Lists of operations are kept in the order written. At least one of `actions` and
 * `dataActions` must be non-empty.
 */
export interface CustomRoleSpecInput {
  /** The role's name: a DNS-1123 label, unique within the cluster; referenced as `{ custom: name }`. */
  name: string;
  /**
   * What the role is for, shown in the Azure portal.
   * @default "Custom role <name> of cluster <cluster>"
   */
  description?: string | undefined;
  /**
   * Control-plane operations granted, e.g. `"Microsoft.Storage/storageAccounts/blobServices/containers/read"`.
   * @default []
   */
  actions?: string[] | undefined;
  /**
   * Control-plane operations excluded from `actions` wildcards.
   * @default []
   */
  notActions?: string[] | undefined;
  /**
   * Data-plane operations granted, e.g. `"Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"`.
   * @default []
   */
  dataActions?: string[] | undefined;
  /**
   * Data-plane operations excluded from `dataActions` wildcards.
   * @default []
   */
  notDataActions?: string[] | undefined;
  /**
   * Where the role is defined (its assignable scope); every assignment of the role must lie
   * inside it.
   * @default { resourceGroup: <the cluster's azure.resourceGroup> }
   */
  scope?: CustomRoleScopeInput | undefined;
}

/** An Azure Key Vault RSA key the cluster's secrets are encrypted with (RSA-OAEP-256). */
export interface AzureKeyVaultSopsKeyInput {
  /** Key Vault name: 3-24 letters, digits and '-'. The vault URL is `https://<vault>.vault.azure.net`. */
  vault: string;
  /** Name of the RSA key in the vault. */
  key: string;
  /**
   * Key version (32 hex digits).
   * @default the key's current version when a secret is encrypted (the file records it)
   */
  version?: string | undefined;
  /**
   * Resource group of the Key Vault (for kustomize-controller's role assignment).
   * @default the cluster's `azure.resourceGroup`
   */
  resourceGroup?: string | undefined;
}

/** The recipients of a cluster's SOPS-encrypted secrets. At least one is required. */
export interface SopsSpecInput {
  /**
   * age recipients (`age1…`, the public keys `age-keygen` prints; never the private key). Flux
   * decrypts with the matching private key from the Secret `sops-age` in `flux-system`.
   * @default []
   */
  age?: string[] | undefined;
  /**
   * An Azure Key Vault key. Flux's kustomize-controller decrypts with its workload identity,
   * which gets "Key Vault Crypto User" on this key (`kustomize-controller` in the identity plan).
   * @default none
   */
  azureKeyVault?: AzureKeyVaultSopsKeyInput | undefined;
}

/** A Secret the cluster needs. */
export interface SecretRefInput {
  /** Namespace of the Secret: one of the namespaces this cluster renders. */
  namespace: string;
  /** Secret name. */
  name: string;
  /**
   * Keys the Secret must have (checked from the encrypted file, whose key names are in clear).
   * @default [] (any)
   */
  keys?: string[] | undefined;
}

/** Validated {@link AzureKeyVaultSopsKeyInput} with defaults filled. */
export interface AzureKeyVaultSopsKey {
  vault: string;
  key: string;
  /** The pinned version, or `undefined` for the current one. */
  version: string | undefined;
  resourceGroup: string;
}

/** Validated {@link SopsSpecInput}. */
export interface SopsSpec {
  /** age recipients, in the order written. */
  age: string[];
  /** The Key Vault key, if any. */
  azureKeyVault: AzureKeyVaultSopsKey | undefined;
}

/** Validated {@link SecretRefInput}. */
export interface SecretRef {
  namespace: string;
  name: string;
  /** Required keys (empty: any). */
  keys: string[];
  /**
   * The setting that makes the cluster read the Secret when the cluster file does not list it in
   * `secrets`: a platform's field, like `platforms.flyte.database` (problems with the Secret name it).
   * @default - the entry of `secrets` at the same index
   */
  origin?: string;
}

/** One cluster of the fleet, as written in its cluster file `<name>.ts`. */
export interface ClusterSpecInput {
  /**
   * Cluster name: lowercase letters, digits and `-`, starting with a letter and ending with a
   * letter or digit, at most 40 characters (it is embedded in Azure and Kubernetes resource
   * names). Must equal the file name: `clusters/<name>.ts`. Must be unique across the fleet.
   */
  name: string;
  /**
   * The Kubernetes version the AKS cluster runs (`az aks show --query kubernetesVersion`):
   * `1.<minor>` or `1.<minor>.<patch>`, at least 1.34 (Flux 2.9's minimum), of a minor whose API
   * schema ships (1.34, 1.35): synth checks every object for it. Synth renders every
   * HelmRelease for it (`helm template --kube-version`), so charts see the cluster's version.
   * @default "1.34"
   */
  kubernetesVersion?: string | undefined;
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
   * ML platforms to install, one key per platform: `flyte`, `argoWorkflows`, `metaflow` (each
   * documented by its package, e.g. `FlyteSpecInput` of `@flotilla/flyte`).
   * @default {}
   */
  platforms?: PlatformsSpecInput | undefined;
  /**
   * Karpenter node pools (a NodePool and an AKSNodeClass each) from presets: `general`, `arm64`,
   * `gpu`, `spot`. Rendered in the infrastructure layer; needs `karpenter`. See
   * `packages/karpenter/README.md` for the presets, their defaults and the checks.
   * @default []
   */
  nodePools?: NodePoolSpecInput[] | undefined;
  /**
   * How Karpenter runs: `{ mode: "node-auto-provisioning" }` (AKS runs it; flotilla renders only
   * the pools) or `{ mode: "self-hosted", ... }` (flotilla renders the controller and plans its
   * identity). Required when `nodePools` is not empty.
   * @default undefined (no Karpenter)
   */
  karpenter?: KarpenterSpecInput | undefined;
  /**
   * Who can decrypt the cluster's secrets: the recipients `secret set` encrypts to, and how
   * Flux decrypts them in the cluster (an age key Secret `sops-age`, and/or kustomize-controller's
   * workload identity for Azure Key Vault). Required when the cluster has secrets.
   * @default undefined (the cluster has no secrets)
   */
  sops?: SopsSpecInput | undefined;
  /**
   * Secrets the cluster needs (e.g. a platform's database password): synth fails when one has no
   * encrypted file `<secrets dir>/<cluster>/<namespace>/<name>.sops.yaml`, or lacks a listed
   * key. Every encrypted file of the cluster is deployed, listed here or not.
   * @default []
   */
  secrets?: SecretRefInput[] | undefined;
  /**
   * User-assigned managed identities for the cluster's workloads (Azure Workload Identity): their
   * ServiceAccounts, federated credentials and role assignments. Bootstrap creates them in Azure
   * (`bootstrap apply --cluster <name>`); synth renders the ServiceAccounts.
   * @default []
   */
  identities?: IdentitySpecInput[] | undefined;
  /**
   * Custom least-privilege role definitions, referenced from `identities[].roles[].role` as
   * `{ custom: "<name>" }`.
   * @default []
   */
  customRoles?: CustomRoleSpecInput[] | undefined;
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
export interface FluxSpec extends FluxAzureSpec {
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
  /** The node pool the namespace is pinned to, if any. */
  nodePool?: string | undefined;
}

/** Validated {@link PlatformsSpecInput}. */
export type PlatformsSpec = import("./platform/index.js").PlatformsSpec;

/** Validated {@link ServiceAccountRefInput}. */
export interface ServiceAccountRef {
  /** Namespace of the ServiceAccount. */
  namespace: string;
  /** ServiceAccount name. */
  name: string;
}

/** Validated {@link WorkspacesSpecInput}. */
export interface WorkspacesSpec {
  /** The workspace namespaces, in the order written. */
  namespaces: string[];
  /** ServiceAccount name used in every workspace namespace. */
  serviceAccount: string;
}

/** Validated {@link ExternalFederationSpecInput} with defaults filled. */
export interface ExternalFederationSpec {
  /** Short name; the credential is `ext-<name>`. */
  name: string;
  /** Issuer URL, exactly as written. */
  issuer: string;
  /** Subject, exactly as written. */
  subject: string;
  /** Audience (`api://AzureADTokenExchange` unless written). */
  audience: string;
}

/** Validated {@link RoleScopeInput}: `resourceGroup` filled in every resource scope. */
export type RoleScope =
  | { storageContainer: { account: string; container: string; resourceGroup: string } }
  | { storageAccount: { name: string; resourceGroup: string } }
  | { keyVaultKey: { vault: string; key: string; resourceGroup: string } }
  | { keyVaultSecret: { vault: string; secret: string; resourceGroup: string } }
  | { keyVault: { name: string; resourceGroup: string } }
  | { containerRegistry: { name: string; resourceGroup: string } }
  | { resourceGroup: string }
  | { subscription: true };

/** Validated {@link RoleAssignmentSpecInput}. */
export interface RoleAssignmentSpec {
  /** A built-in role name flotilla knows (see `BUILT_IN_ROLES`), or a reference to a custom role of the cluster. */
  role: string | CustomRoleRefInput;
  /** Where the role applies. */
  scope: RoleScope;
}

/** Validated {@link IdentitySpecInput} with defaults filled. */
export interface IdentitySpec {
  /** The identity's name (key in the identity outputs). */
  name: string;
  /** Resource group of the managed identity. */
  resourceGroup: string;
  /** ServiceAccounts using the identity, in the order written. */
  serviceAccounts: ServiceAccountRef[];
  /** Workspace namespaces sharing the identity, if any. */
  workspaces: WorkspacesSpec | undefined;
  /** External federations, in the order written. */
  external: ExternalFederationSpec[];
  /** Role assignments, in the order written. */
  roles: RoleAssignmentSpec[];
}

/** Validated {@link CustomRoleScopeInput}. */
export type CustomRoleScope = { resourceGroup: string } | { subscription: true };

/** Validated {@link CustomRoleSpecInput} with defaults filled. */
export interface CustomRoleSpec {
  /** The role's name within the cluster. */
  name: string;
  /** The description (`Custom role <name> of cluster <cluster>` unless written). */
  description: string;
  /** Control-plane operations granted. */
  actions: string[];
  /** Control-plane operations excluded. */
  notActions: string[];
  /** Data-plane operations granted. */
  dataActions: string[];
  /** Data-plane operations excluded. */
  notDataActions: string[];
  /** Where the role is defined (its assignable scope). */
  scope: CustomRoleScope;
}

/** A validated cluster: {@link ClusterSpecInput} with every default filled in. */
export interface ClusterSpec {
  /** Cluster name, equal to its file name. */
  name: string;
  /** The Kubernetes version the cluster runs, `1.34` by default. */
  kubernetesVersion: string;
  /** Where the AKS cluster lives in Azure. */
  azure: AzureSpec;
  /** The Git repository Flux syncs from. */
  git: GitSpec;
  /** How Flux is installed and how often it syncs. */
  flux: FluxSpec;
  /** Extra namespaces, in the order written. */
  namespaces: NamespaceSpec[];
  /** ML platforms, defaults filled; a key per installed platform. */
  platforms: PlatformsSpec;
  /** Node pools with every preset default filled, in the order written. */
  nodePools: NodePoolSpec[];
  /** How Karpenter runs, `undefined` when the cluster has none. */
  karpenter: KarpenterSpec | undefined;
  /** SOPS recipients, `undefined` when the cluster has no secrets. */
  sops: SopsSpec | undefined;
  /** Secrets the cluster needs, in the order written. */
  secrets: SecretRef[];
  /** Workload identities, in the order written. */
  identities: IdentitySpec[];
  /** Custom role definitions, in the order written. */
  customRoles: CustomRoleSpec[];
}
