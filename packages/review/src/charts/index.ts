// The chart values checker alone (`@flotilla/review/charts`), light enough for synth to import:
// vendored values.yaml files, their free-form paths, and the check of HelmRelease values.
export { FREE_FORM_SUFFIX, readVendoredCharts, type ReadChartsOptions, vendoredChartCheckers } from "../validate/chart-files.js";
export { type ChartRef, type ChartValuesChecker, ChartValuesRegistry, vendoredValuesChecker, type VendoredValues } from "../validate/chart-values.js";
export { checkChartValues } from "../validate/chart-values-check.js";
export type { Manifest } from "../manifests/manifest.js";
export type { ValidationProblem } from "../validate/types.js";
