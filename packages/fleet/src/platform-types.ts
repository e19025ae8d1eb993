/**
 * The ClusterSpec types of the ML platforms (`platforms`). Each platform is one key; leaving it
 * out removes the platform, its namespace, its identities and its Secret references.
 */

/** Azure Blob Storage for a platform: an existing account (hierarchical namespace recommended) and container. */
export interface PlatformStorageInput {
  /** The storage account name, e.g. "stmldevflyte". Access is by workload identity only: no keys. */
  account: string;
  /** The blob container, e.g. "flyte". The platform's identities get their roles on this container only. */
  container: string;
  /**
   * Resource group of the storage account (for the role assignment scope).
   * @default - the cluster's `azure.resourceGroup`
   */
  resourceGroup?: string | undefined;
}

/** An Azure Database for PostgreSQL flexible server database, reached with `sslmode=require`. */
export interface PlatformDatabaseInput {
  /** The server's host name, e.g. "psql-ml-dev.postgres.database.azure.com". */
  host: string;
  /**
   * The database name.
   * @default - the platform's name ("flyte", "argo", "metaflow")
   */
  database?: string | undefined;
  /**
   * The login.
   * @default - the platform's name
   */
  username?: string | undefined;
  /**
   * The SOPS-encrypted Secret (in the platform's namespace) holding the password; synth fails with
   * the `pnpm secret set` command to run when it is missing.
   * @default - "<platform>-db"
   */
  passwordSecret?: string | undefined;
}

/** Flyte (flyte-core 1.16): control plane in `namespace`, task pods in `<project>-<domain>` namespaces. */
export interface FlyteSpecInput {
  /**
   * Namespace of the Flyte control plane (flyteadmin, flytepropeller, datacatalog, flytescheduler).
   * @default "flyte"
   */
  namespace?: string | undefined;
  /** Metadata and raw task outputs (`abfs://<container>/propeller`). */
  storage: PlatformStorageInput;
  /** One database for flyteadmin and datacatalog; the password Secret has the key `pass.txt`. */
  database: PlatformDatabaseInput;
  /**
   * Flyte projects created at install; with `domains` they give the task namespaces `<project>-<domain>`,
   * each federated with the task identity (at most 20 in all: Azure's limit per identity).
   * @default ["flytesnacks"]
   */
  projects?: string[] | undefined;
  /**
   * Flyte domains.
   * @default ["development", "staging", "production"]
   */
  domains?: string[] | undefined;
  /**
   * A pool of `nodePools` with preset `gpu` for Flyte's GPU tasks: flytepropeller's k8s plugin
   * (`resource-tolerations`) gives every task pod requesting `nvidia.com/gpu` that pool's
   * tolerations (from `podSchedulingFor`), so GPU tasks schedule onto its tainted nodes.
   * @default - none: GPU task pods get no toleration and stay off tainted GPU nodes
   */
  gpuNodePool?: string | undefined;
}

/** Argo Workflows (chart argo-workflows 0.47, Argo v3.7): controller and server in `namespace`. */
export interface ArgoWorkflowsSpecInput {
  /**
   * Namespace of the workflow controller and the Argo server.
   * @default "argo"
   */
  namespace?: string | undefined;
  /** The artifact repository (`useSDKCreds`: workload identity, no keys). */
  storage: PlatformStorageInput;
  /**
   * The workflow archive. Its Secret (in `namespace`) has the keys `username` and `password`:
   * `pnpm secret set <cluster> argo/argo-db --from-literal username=argo --from-stdin password`.
   */
  database: PlatformDatabaseInput;
  /**
   * Namespaces workflows run in: each gets the ServiceAccount `argo-workflow` federated with the
   * Argo identity. Namespaces other than `namespace` must be declared in `namespaces`.
   * @default - [namespace]
   */
  workflowNamespaces?: string[] | undefined;
}

/**
 * Metaflow (the published metaflow chart 0.1.2): metadata service and UI in `namespace`; flows run
 * as Argo Workflows, so `platforms.argoWorkflows` is required.
 */
export interface MetaflowSpecInput {
  /**
   * Namespace of the metadata service and the UI.
   * @default "metaflow"
   */
  namespace?: string | undefined;
  /** The datastore (`METAFLOW_DATASTORE_SYSROOT_AZURE` is `<container>/<sysrootPrefix>`). */
  storage: PlatformStorageInput;
  /**
   * The datastore root inside the container.
   * @default "metaflow"
   */
  sysrootPrefix?: string | undefined;
  /** The metadata database; its Secret (in `namespace`) has the key `password`. */
  database: PlatformDatabaseInput;
}

/** The ML platforms a cluster runs. */
export interface PlatformsSpecInput {
  /** Flyte, see {@link FlyteSpecInput}. @default - not installed */
  flyte?: FlyteSpecInput | undefined;
  /** Argo Workflows, see {@link ArgoWorkflowsSpecInput}. @default - not installed */
  argoWorkflows?: ArgoWorkflowsSpecInput | undefined;
  /** Metaflow, see {@link MetaflowSpecInput}; needs `argoWorkflows`. @default - not installed */
  metaflow?: MetaflowSpecInput | undefined;
}

/** Validated {@link PlatformStorageInput}. */
export interface PlatformStorage {
  account: string;
  container: string;
  resourceGroup: string;
}

/** Validated {@link PlatformDatabaseInput}. */
export interface PlatformDatabase {
  host: string;
  database: string;
  username: string;
  passwordSecret: string;
}

/** Validated {@link FlyteSpecInput}, defaults filled. */
export interface FlyteSpec {
  namespace: string;
  storage: PlatformStorage;
  database: PlatformDatabase;
  projects: string[];
  domains: string[];
  /** The name of a gpu-preset pool of `nodePools`, when GPU tasks go there. */
  gpuNodePool?: string | undefined;
}

/** Validated {@link ArgoWorkflowsSpecInput}, defaults filled. */
export interface ArgoWorkflowsSpec {
  namespace: string;
  storage: PlatformStorage;
  database: PlatformDatabase;
  workflowNamespaces: string[];
}

/** Validated {@link MetaflowSpecInput}, defaults filled. */
export interface MetaflowSpec {
  namespace: string;
  storage: PlatformStorage;
  sysrootPrefix: string;
  database: PlatformDatabase;
}

/** Validated {@link PlatformsSpecInput}: a key per installed platform. */
export interface PlatformsSpec {
  flyte?: FlyteSpec | undefined;
  argoWorkflows?: ArgoWorkflowsSpec | undefined;
  metaflow?: MetaflowSpec | undefined;
}

/**
 * A managed identity a platform needs (derived from its spec, pure): the identity plan turns it
 * into a `PlannedIdentity` (`id-<cluster>-<key>`), one federated credential per ServiceAccount.
 */
export interface PlatformIdentityRequirement {
  /** The platform key under `platforms`, e.g. "flyte" (for messages: `platforms.flyte`). */
  platform: string;
  /** The identity's key, e.g. "flyte-backend"; reserved (a spec identity may not use it). */
  key: string;
  /** What the identity is for, one line (shown by `pnpm bootstrap plan` and in messages). */
  purpose: string;
  /**
   * The ServiceAccounts federated with it. The platform's chart creates them and its HelmRelease
   * values annotate them with the client ID (synth renders no ServiceAccount object for them).
   */
  serviceAccounts: { namespace: string; name: string }[];
  /**
   * ServiceAccounts federated with it that synth renders itself (annotated WorkloadServiceAccounts
   * in the infrastructure layer), e.g. Metaflow's task ServiceAccount in the Argo namespace.
   */
  renderedServiceAccounts?: { namespace: string; name: string }[];
  /** The spec field to point at when there are too many ServiceAccounts (> 20), e.g. "projects". */
  serviceAccountsField: string;
  /** Roles on the narrowest scope (built-in role names). */
  roles: { role: string; scope: import("./types.js").RoleScope }[];
}
