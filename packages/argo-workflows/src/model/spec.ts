import {
  checkedString,
  checkNamespaceName,
  list,
  type PlatformCheckContext,
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
   * `secret set <cluster> argo/argo-db --from-literal username=argo --from-stdin password`.
   * No `username` here: Argo reads the login only from that Secret.
   */
  database: Omit<PlatformDatabaseInput, "username">;
  /**
   * Namespaces workflows run in: each gets the ServiceAccount `argo-workflow` federated with the
   * Argo identity. Namespaces other than `namespace` must be declared in `namespaces`.
   * @default - [namespace]
   */
  workflowNamespaces?: string[] | undefined;
}

/** Validated {@link ArgoWorkflowsSpecInput}, defaults filled. */
export interface ArgoWorkflowsSpec {
  namespace: string;
  storage: PlatformStorage;
  database: Omit<PlatformDatabase, "username">;
  workflowNamespaces: string[];
}

declare module "@flotilla/fleet/platform" {
  interface PlatformsSpecInput {
    /** Argo Workflows, see {@link ArgoWorkflowsSpecInput}. @default - not installed */
    argoWorkflows?: ArgoWorkflowsSpecInput | undefined;
  }
  interface PlatformsSpec {
    argoWorkflows?: ArgoWorkflowsSpec | undefined;
  }
}

/** The key of Argo Workflows under `platforms`. */
export const ARGO_WORKFLOWS_KEY = "argoWorkflows";

/** The keys of the Argo workflow archive's Secret (`controller.persistence.postgresql.{userNameSecret,passwordSecret}`). */
export const ARGO_DB_SECRET_KEYS = { username: "username", password: "password" } as const;

/** Defaults of Argo Workflows (see `ArgoWorkflowsSpecInput`). */
export const ARGO_WORKFLOWS_DEFAULTS = { namespace: "argo", database: "argo" } as const;

/** The schema of `platforms.argoWorkflows`. */
export const argoWorkflowsSpecSchema = strictObject("Argo Workflows: { storage, database, namespace?, workflowNamespaces? }", {
  namespace: checkedString("the Argo Workflows namespace", checkNamespaceName).optional(),
  storage: platformStorageSchema,
  // Argo's persistence config takes the login only from a Secret key (userNameSecret), never as a value.
  database: platformDatabaseSchema.omit({ username: true }),
  workflowNamespaces: list("the workflow namespaces", checkedString("a namespace", checkNamespaceName)).min(1, "list at least one namespace").optional(),
});

/** `platforms.argoWorkflows` with its defaults filled. */
export function argoWorkflowsDefaults(argo: SchemaOutput<typeof argoWorkflowsSpecSchema>, cluster: { readonly azure: { readonly resourceGroup: string } }): ArgoWorkflowsSpec {
  const namespace = argo.namespace ?? ARGO_WORKFLOWS_DEFAULTS.namespace;
  return {
    namespace,
    storage: platformStorage(argo.storage, cluster),
    database: withoutUsername(platformDatabase(argo.database, ARGO_WORKFLOWS_DEFAULTS.database)),
    workflowNamespaces: [...(argo.workflowNamespaces ?? [namespace])],
  };
}

function withoutUsername({ username: _username, ...database }: PlatformDatabase): Omit<PlatformDatabase, "username"> {
  return database;
}

/** The SOPS-encrypted Secret Argo Workflows reads: the workflow archive's credentials. */
export function argoWorkflowsSecrets(argo: ArgoWorkflowsSpec): PlatformSecretRef[] {
  return [{ namespace: argo.namespace, name: argo.database.passwordSecret, keys: [ARGO_DB_SECRET_KEYS.password, ARGO_DB_SECRET_KEYS.username], field: "database" }];
}

/** Every workflow namespace is rendered by the cluster: the chart creates the workflow ServiceAccount in it, not the namespace. */
export function checkArgoWorkflowsSpec(raw: Readonly<Record<string, unknown>>, context: PlatformCheckContext): void {
  if (!Array.isArray(raw.workflowNamespaces)) return;
  (raw.workflowNamespaces as unknown[]).forEach((namespace, i) => {
    if (typeof namespace !== "string" || context.renderedNamespaces.has(namespace)) return;
    context.report(
      ["workflowNamespaces", i],
      `namespace ${JSON.stringify(namespace)} is not rendered by this cluster (the chart creates the workflow ServiceAccount in it but not the namespace); add { name: ${JSON.stringify(namespace)} } to namespaces`,
    );
  });
}

/** Compile-time proof that the documented input interface is exactly the schema's input. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
const inputMatchesSchema: SchemaInputIs<typeof argoWorkflowsSpecSchema, ArgoWorkflowsSpecInput> = true;
