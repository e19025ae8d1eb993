export type { ObjectValidator, SchemaProblem, ValidatorOptions } from "./types.js";
export { createValidator } from "./validator.js";
export { jsonPathKey } from "./json-path.js";
export { describeUnknownField } from "./field-suggestions.js";
export { validatorFiles } from "./validator-files.js";
export type { PrecompiledUnit } from "./types.js";
export { kubernetesListType, type ListType, type ListTypeQuery } from "./list-types.js";
export { DEFAULT_KUBERNETES_VERSION, KUBERNETES_VERSIONS, type KubernetesVersion } from "../kubernetes-versions/index.js";
export { schemaVersionOf } from "../kubernetes-versions/index.js";
