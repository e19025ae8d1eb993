/**
 * The argo-workflows chart flotilla installs: exactly 0.47.5 (Argo Workflows v3.7.11), the last
 * v3 line, because Argo v4 dropped CronWorkflow `spec.schedule`, which Metaflow's scheduled flows
 * still use (see the package README). Values are checked against
 * the values.yaml in `charts/argo-workflows-0.47.5.tgz` of this package.
 *
 * @see https://github.com/argoproj/argo-helm/tree/argo-workflows-0.47.5/charts/argo-workflows
 */
export const ARGO_WORKFLOWS_CHART = {
  url: "https://argoproj.github.io/argo-helm",
  chart: "argo-workflows",
  version: "0.47.5",
  /** The HelmRelease and Helm release name (the chart's fullname is then `argo-workflows`). */
  releaseName: "argo-workflows",
} as const;

/** ServiceAccount names, set explicitly in the values (not derived from the release name). */
export const ARGO_SERVICE_ACCOUNTS = {
  controller: "argo-workflows-workflow-controller",
  server: "argo-workflows-server",
  /** Created by the chart in each workflow namespace; workflows run as it by default. */
  workflow: "argo-workflow",
} as const;
