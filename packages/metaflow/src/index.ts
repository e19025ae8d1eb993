export { Metaflow, type MetaflowProps } from "./metaflow.js";
export * from "./model/index.js";
