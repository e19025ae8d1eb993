/**
 * The metaflow chart flotilla installs: exactly 0.1.2 (metadata service 0.2.2, UI 0.3.2), checked
 * against the archive `charts/metaflow-0.1.2.tgz` of this package (with its subcharts' values).
 *
 * @see https://github.com/outerbounds/metaflow-tools/tree/master/charts/metaflow
 */
export const METAFLOW_CHART = {
  url: "https://outerbounds.github.io/metaflow-tools",
  chart: "metaflow",
  version: "0.1.2",
  releaseName: "metaflow",
} as const;

/** ServiceAccount names, set explicitly in the values. */
export const METAFLOW_SERVICE_ACCOUNTS = {
  /** The metadata service (PostgreSQL only). */
  service: "metaflow-service",
  /** The UI backend (rendered by flotilla, like the ServiceAccount): reads the datastore (artifacts, logs, cards), so it carries the `metaflow-ui` identity. */
  ui: "metaflow-ui",
  /** Task pods of flows run on Argo Workflows (`METAFLOW_KUBERNETES_SERVICE_ACCOUNT`), rendered by synth in the Argo namespace. */
  tasks: "metaflow-tasks",
} as const;
