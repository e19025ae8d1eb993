export { Metaflow, type MetaflowProps } from "./metaflow.js";
export { metaflowPlatform } from "./platform.js";
export * from "./model/index.js";
