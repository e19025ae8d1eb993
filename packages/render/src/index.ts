export { compareTree, hasChanges, type TreeChanges } from "./compare-tree.js";
export { generatedHeader, isGenerated } from "./header.js";
export { describeObject, fileNameFor, isKubeObject, objectKey, type KubeObject } from "./object-ref.js";
export { planTree, type ClusterDocuments, type PlannedTree, type RenderProblem, type SchemaValidator, type VerbatimFile } from "./plan.js";
export { readTree, type ExistingTree } from "./read-tree.js";
export { readTreeFiles, walkTree, type TreeFiles, type WalkedTree } from "./tree-files.js";
export { toYaml } from "./serialize.js";
export { TreeConflictError, writeTree } from "./write-tree.js";
export * from "./validate/index.js";
