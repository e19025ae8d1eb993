export { ArgoWorkflows, type ArgoWorkflowsProps } from "./argo-workflows.js";
export { type ArgoWorkflowsContribution, argoWorkflowsPlatform } from "./platform.js";
export * from "./model/index.js";
