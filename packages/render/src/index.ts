export { compareTree, hasChanges, type TreeChanges } from "./compare-tree.js";
export { generatedHeader, isGenerated, withoutGeneratedHeader } from "./header.js";
export { describeObject, fileNameFor, isKubeObject, objectKey, type KubeObject } from "./object-ref.js";
export { planTree, type ClusterDocuments, type PlanCommands, type PlannedTree, type RenderProblem, type SchemaValidator, type VerbatimFile } from "./plan.js";
export { existingTree, readTree, treeWithin, type ExistingTree } from "./read-tree.js";
export { readTreeFiles, walkTree, type TreeFiles, type WalkedTree } from "./tree-files.js";
export { serializerFile, toYaml } from "./serialize.js";
export { TreeConflictError, writeTree } from "./write-tree.js";
// createValidator is only exported by "@flotilla/render/validate": what imports the package root
// never loads ajv and the CEL library (synth loads the validator on demand).
export type { ObjectValidator, SchemaProblem, ValidatorOptions } from "./validate/types.js";
export { describeUnknownField } from "./validate/field-suggestions.js";
export { jsonPathKey } from "./validate/json-path.js";
export { validatorFiles } from "./validate/validator-files.js";
