import { METAFLOW_DB_PASSWORD_KEY, type MetaflowSpec } from "./spec.js";
import { METAFLOW_SERVICE_ACCOUNTS } from "./chart.js";

/** Inputs of {@link metaflowValues}. */
export interface MetaflowValuesProps {
  /** The validated `platforms.metaflow` of the cluster. */
  readonly metaflow: MetaflowSpec;
}

/** The datastore root: `<container>/<sysrootPrefix>` (Metaflow's `METAFLOW_DATASTORE_SYSROOT_AZURE`). */
export function metaflowSysroot(metaflow: Pick<MetaflowSpec, "storage" | "sysrootPrefix">): string {
  return `${metaflow.storage.container}/${metaflow.sysrootPrefix}`;
}

/** The Blob service endpoint of the datastore account. */
export function metaflowBlobEndpoint(metaflow: Pick<MetaflowSpec, "storage">): string {
  return `https://${metaflow.storage.account}.blob.core.windows.net/`;
}

/**
 * metaflow 0.1.2 values for Azure (see ../shared/charts/AZURE-NOTES.md, "Chart gaps"): the bundled
 * PostgreSQL off, both services on Azure Database for PostgreSQL with `MF_METADATA_DB_SSL_MODE=require`
 * and the password from the SOPS Secret through `env[].valueFrom` (which, unlike `envFrom`, also
 * reaches the db-migrations init container; `metadatadb.password` stays empty), and the UI
 * subchart off: helm-controller cannot install it, so flotilla renders the UI itself
 * (`MetaflowUi`, see the package README).
 */
export function metaflowValues(props: MetaflowValuesProps): Record<string, unknown> {
  const { metaflow } = props;
  const db = metaflow.database;
  const dbEnv = [
    { name: "MF_METADATA_DB_SSL_MODE", value: "require" },
    { name: "MF_METADATA_DB_PSWD", valueFrom: { secretKeyRef: { name: db.passwordSecret, key: METAFLOW_DB_PASSWORD_KEY } } },
  ];
  const metadatadb = { host: db.host, port: 5432, name: db.database, user: db.username, password: "" };
  return {
    postgresql: { enabled: false },
    "metaflow-service": {
      metadatadb,
      env: dbEnv,
      serviceAccount: { create: true, name: METAFLOW_SERVICE_ACCOUNTS.service },
    },
    // Off: the metaflow-ui 0.3.2 subchart repeats label keys in its static UI templates, and
    // helm-controller always post-renders with kustomize (its origin labels), which refuses such
    // YAML, so the whole release would never install. MetaflowUi renders the UI instead (README).
    "metaflow-ui": { enabled: false },
  };
}
