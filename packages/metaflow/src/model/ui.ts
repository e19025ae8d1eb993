import type { PlatformReleaseValue } from "@flotilla/fleet/platform";
import { METAFLOW_CHART, METAFLOW_SERVICE_ACCOUNTS } from "./chart.js";
import { METAFLOW_DB_PASSWORD_KEY, type MetaflowSpec } from "./spec.js";
import { metaflowBlobEndpoint, metaflowSysroot } from "./values.js";

/**
 * What the metaflow-ui 0.3.2 subchart of metaflow 0.1.2 renders, which flotilla renders itself
 * (helm-controller cannot install it, see the package README): from the vendored archive's
 * `charts/metaflow-ui` (values.yaml defaults, `_helpers.tpl`, `backend_deployment.yaml`,
 * `static_deployment.yaml`, `backend_service.yaml`, `static_service.yaml`) and the appVersion
 * v2.4.13 of its Chart.yaml. test/metaflow-ui.test.ts renders the real chart with Helm 4 and
 * compares: a chart bump that changes any of this fails there.
 */
export const METAFLOW_UI = {
  /** `metaflow-ui.fullname` of the release: the backend's Deployment and Service. */
  backend: `${METAFLOW_CHART.releaseName}-metaflow-ui`,
  /** `metaflow-ui.fullname-static`: the static UI's Deployment and Service. */
  static: `${METAFLOW_CHART.releaseName}-metaflow-ui-static`,
  /** The container names (`.Chart.Name`, `<Chart.Name>-static`). */
  backendContainer: "metaflow-ui",
  staticContainer: "metaflow-ui-static",
  backendPort: 8083,
  staticPort: 3000,
  /** `uiStatic.image` (name:tag). */
  staticImage: "public.ecr.aws/outerbounds/metaflow_ui:v1.3.3",
  /**
   * The metadata service's image as the chart defaults it (`metaflow-service.image.repository`,
   * its tag defaulting to the appVersion), which is also the UI backend's default image
   * (`uiBackend.image.name` at the same appVersion).
   */
  serviceImage: { repository: "public.ecr.aws/outerbounds/metaflow_metadata_service", tag: "v2.4.13" },
  /** `app.kubernetes.io/version` (the appVersion). */
  appVersion: "v2.4.13",
} as const;

/** The chart's selector labels (`metaflow-ui.selectorLabels`, `metaflow-ui.selectorLabelsStatic`): kept, so a fixed chart can later adopt these Deployments (selectors are immutable). */
export function metaflowUiSelector(component: "backend" | "static"): Record<string, string> {
  return { "app.kubernetes.io/name": component === "backend" ? "metaflow-ui" : "metaflow-ui-static", "app.kubernetes.io/instance": METAFLOW_CHART.releaseName };
}

/**
 * The UI backend's image: the metadata service's, as the HelmRelease values set it (an automated
 * image at `metaflow-service.image`) or the chart's default. The backend is the metadata service
 * image run as `ui_server`, reading the database whose schema the service's migrations write, so
 * the two always run one version.
 */
export function metaflowUiBackendImage(values: readonly PlatformReleaseValue[]): string {
  const at = (key: string) => values.find((value) => value.path.join(".") === `metaflow-service.image.${key}`)?.value;
  const repository = at("repository") ?? METAFLOW_UI.serviceImage.repository;
  const tag = at("tag") ?? METAFLOW_UI.serviceImage.tag;
  return `${String(repository)}:${String(tag)}`;
}

type EnvVar = { name: string; value: string } | { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } };

/**
 * The UI backend's environment, in the chart's order (`backend_deployment.yaml` with the values
 * flotilla used to give the subchart): the Azure datastore (`METAFLOW_DATASTORE_SYSROOT_AZURE`,
 * the Blob endpoint, which `metaflowDefaultDatastore: azure` alone does not add), the database on
 * Azure Database for PostgreSQL with `sslmode=require` and the password from the SOPS Secret, then
 * what the template always sets. `MF_DATASTORE_ROOT` and `METAFLOW_DATASTORE_SYSROOT_S3` both come
 * from the chart's `metaflowDatastoreSysRootS3`, set to the sysroot as before.
 */
export function metaflowUiBackendEnv(metaflow: MetaflowSpec): EnvVar[] {
  const db = metaflow.database;
  const sysroot = metaflowSysroot(metaflow);
  return [
    { name: "MF_METADATA_DB_SSL_MODE", value: "require" },
    { name: "MF_METADATA_DB_PSWD", valueFrom: { secretKeyRef: { name: db.passwordSecret, key: METAFLOW_DB_PASSWORD_KEY } } },
    { name: "METAFLOW_DATASTORE_SYSROOT_AZURE", value: sysroot },
    { name: "METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT", value: metaflowBlobEndpoint(metaflow) },
    { name: "UI_ENABLED", value: "1" },
    { name: "PATH_PREFIX", value: "/api" },
    { name: "MF_DATASTORE_ROOT", value: sysroot },
    { name: "METAFLOW_DATASTORE_SYSROOT_S3", value: sysroot },
    { name: "LOGLEVEL", value: "DEBUG" },
    // The chart's default: the backend's own read-only copy of the metadata API.
    { name: "METAFLOW_SERVICE_URL", value: `http://localhost:${METAFLOW_UI.backendPort}/api/metadata` },
    { name: "METAFLOW_DEFAULT_DATASTORE", value: "azure" },
    { name: "METAFLOW_DEFAULT_METADATA", value: "service" },
    { name: "MF_METADATA_DB_NAME", value: db.database },
    { name: "MF_METADATA_DB_PORT", value: "5432" },
    { name: "MF_METADATA_DB_USER", value: db.username },
    { name: "MF_METADATA_DB_HOST", value: db.host },
  ];
}

/**
 * The static UI's `METAFLOW_SERVICE`: where the browser reaches the backend. Without an ingress
 * the chart's default, `http://localhost:8083/api/`, which is where
 * `kubectl port-forward svc/metaflow-metaflow-ui 8083` puts it.
 */
export const METAFLOW_UI_BROWSER_BACKEND_URL = `http://localhost:${METAFLOW_UI.backendPort}/api/`;

/** The ServiceAccount the UI backend runs as (synth renders it, annotated with the `metaflow-ui` identity). */
export const METAFLOW_UI_SERVICE_ACCOUNT = METAFLOW_SERVICE_ACCOUNTS.ui;
