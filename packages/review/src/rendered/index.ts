export { checkRenderedClusters, formatRenderedProblem, type RenderedCheckOptions } from "./check-rendered.js";
export { renderedCheckFiles } from "./list-types.js";
export type { RenderedCheckName, RenderedCluster, RenderedProblem, RenderedRelease } from "./types.js";
export { type ValueEffect, valuesEffect, valuesEffectFile, type ValuesEffectInput } from "./values-effect.js";
