export { type ChartArchive, chartDefaults, chartFile, chartYamlIdentity, readChartArchive, vendoredChartArchive } from "./chart-archive.js";
export { type ChartSource, chartSourceOf } from "./chart-source.js";
export { type ComposeProblem, composeValues, mergeMaps, type ValuesObject } from "./compose-values.js";
export { isClusterScoped } from "./cluster-scoped.js";
export {
  type CrdPolicy,
  crdPolicyOf,
  type HelmRelease,
  type HelmReleaseSpec,
  type PostRenderer,
  type PostRenderStrategy,
  postRenderStrategyOf,
  releaseNameOf,
  releaseNamespaceOf,
  storageNamespaceOf,
} from "./release-spec.js";
export { type RenderCache, type RenderContext, type RenderedObject, type RenderOutcome, type RenderProblem, type RenderResult, renderKey, renderRelease } from "./render-release.js";
export { setPathValue } from "./strvals.js";
export { type ValueConflict, valueConflicts } from "./value-conflicts.js";
export { checkTools, LAYER_PACKAGE, resolveHelm, resolveKubectl, type Tool, ToolError, type ToolName, type ToolOptions } from "./tools.js";
export { type ChartArchives, type ClusterRenderOptions, type ReleaseRender, renderClusterReleases } from "./cluster-releases.js";
export { apiVersionsOfCrds, crdApiVersions } from "./crd-api-versions.js";
export { type ChartFacts, chartFacts, deriveChartFacts, usePrebuiltChartFacts, writePrebuiltChartFacts } from "./chart-facts.js";
export { chartDirectory, unpackChart } from "./chart-directory.js";
export { execTool, startToolSpawner, type ToolExec, type ToolRunner } from "./run-tool.js";
export { toolYamlDocuments } from "./tool-yaml.js";
export { archiveRegistry, readVendoredArchives } from "./vendored-archives.js";
