export { ArgoWorkflows, type ArgoWorkflowsProps } from "./argo-workflows.js";
export * from "./model/index.js";
