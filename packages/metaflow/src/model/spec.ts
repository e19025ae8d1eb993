import {
  checkedString,
  checkNamespaceName,
  describeValue,
  platformDatabase,
  type PlatformDatabase,
  type PlatformDatabaseInput,
  platformDatabaseSchema,
  platformStorage,
  type PlatformStorage,
  type PlatformStorageInput,
  platformStorageSchema,
  type PlatformSecretRef,
  type SchemaInputIs,
  type SchemaOutput,
  strictObject,
} from "@flotilla/fleet/platform";

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

/** Validated {@link MetaflowSpecInput}, defaults filled. */
export interface MetaflowSpec {
  namespace: string;
  storage: PlatformStorage;
  sysrootPrefix: string;
  database: PlatformDatabase;
}

declare module "@flotilla/fleet/platform" {
  interface PlatformsSpecInput {
    /** Metaflow, see {@link MetaflowSpecInput}; needs `argoWorkflows`. @default - not installed */
    metaflow?: MetaflowSpecInput | undefined;
  }
  interface PlatformsSpec {
    metaflow?: MetaflowSpec | undefined;
  }
}

/** The key of the Metaflow database password in its Secret. */
export const METAFLOW_DB_PASSWORD_KEY = "password";

/** Defaults of Metaflow (see `MetaflowSpecInput`). */
export const METAFLOW_DEFAULTS = { namespace: "metaflow", sysrootPrefix: "metaflow" } as const;

/** The schema of `platforms.metaflow`. */
export const metaflowSpecSchema = strictObject("Metaflow: { storage, database, namespace?, sysrootPrefix? }", {
  namespace: checkedString("the Metaflow namespace", checkNamespaceName).optional(),
  storage: platformStorageSchema,
  sysrootPrefix: checkedString("the datastore root inside the container, e.g. \"metaflow\"", (value) =>
    /^[A-Za-z0-9][-_.A-Za-z0-9/]{0,254}$/.test(value) && !value.endsWith("/") ? undefined : `expected a blob path prefix such as "metaflow", got ${describeValue(value)}`,
  ).optional(),
  database: platformDatabaseSchema,
});

/** `platforms.metaflow` with its defaults filled. */
export function metaflowDefaults(metaflow: SchemaOutput<typeof metaflowSpecSchema>, cluster: { readonly azure: { readonly resourceGroup: string } }): MetaflowSpec {
  return {
    namespace: metaflow.namespace ?? METAFLOW_DEFAULTS.namespace,
    storage: platformStorage(metaflow.storage, cluster),
    sysrootPrefix: metaflow.sysrootPrefix ?? METAFLOW_DEFAULTS.sysrootPrefix,
    database: platformDatabase(metaflow.database, "metaflow"),
  };
}

/** The SOPS-encrypted Secret Metaflow reads: the metadata database password. */
export function metaflowSecrets(metaflow: MetaflowSpec): PlatformSecretRef[] {
  return [{ namespace: metaflow.namespace, name: metaflow.database.passwordSecret, keys: [METAFLOW_DB_PASSWORD_KEY], field: "database" }];
}

/** Compile-time proof that the documented input interface is exactly the schema's input. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
const inputMatchesSchema: SchemaInputIs<typeof metaflowSpecSchema, MetaflowSpecInput> = true;
