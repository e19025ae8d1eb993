/**
 * Spec types shared by platform sections (`platforms.<key>`, each declared by its platform
 * package: see `@flotilla/fleet/platform`).
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
   * the `secret set` command to run when it is missing.
   * @default - "<platform>-db"
   */
  passwordSecret?: string | undefined;
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

/**
 * A managed identity a platform needs (derived from its spec, pure): the identity plan turns it
 * into a `PlannedIdentity` (`id-<cluster>-<key>`), one federated credential per ServiceAccount.
 */
export interface PlatformIdentityRequirement {
  /** The platform key under `platforms`, e.g. "flyte" (for messages: `platforms.flyte`). */
  platform: string;
  /** The identity's key, e.g. "flyte-backend"; reserved (a spec identity may not use it). */
  key: string;
  /** What the identity is for, one line (shown by `bootstrap plan` and in messages). */
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
