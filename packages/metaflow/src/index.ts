export { Metaflow, type MetaflowProps } from "./metaflow.js";
export { MetaflowUi, type MetaflowUiProps } from "./metaflow-ui.js";
export { metaflowPlatform } from "./platform.js";
export * from "./model/index.js";
