/**
 * The flyte-core chart flotilla installs. Exactly `v1.16.8`: the chart's version string starts
 * with `v`, which Flux's semver (Masterminds) accepts, and an exact pin means Flyte 2 charts
 * published in the same repository (`flyte-binary` `v2.x`) can never be picked. The values are
 * checked against the values.yaml in `charts/flyte-core-v1.16.8.tgz` of this package.
 *
 * @see https://github.com/flyteorg/flyte/tree/v1.16.8/charts/flyte-core
 */
export const FLYTE_CHART = {
  /** The Helm repository (gh-pages of flyteorg/flyte). */
  url: "https://flyteorg.github.io/flyte",
  chart: "flyte-core",
  version: "v1.16.8",
  /** The HelmRepository, HelmRelease and Helm release name. */
  releaseName: "flyte-core",
} as const;

/** Where the database password Secret is mounted in flyteadmin and datacatalog (`common.databaseSecret`). */
export const FLYTE_DB_PASSWORD_PATH = "/etc/db/pass.txt";
