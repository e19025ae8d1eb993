export { ARGO_SERVICE_ACCOUNTS, ARGO_WORKFLOWS_CHART } from "./chart.js";
export { ARGO_WORKFLOWS_IDENTITY, argoWorkflowsIdentityRequirements } from "./identities.js";
export { argoWorkflowsValues, type ArgoWorkflowsValuesProps } from "./values.js";
