export { ARGO_SERVICE_ACCOUNTS, ARGO_WORKFLOWS_CHART } from "./chart.js";
export { ARGO_WORKFLOWS_IDENTITY, argoWorkflowsIdentityRequirements } from "./identities.js";
export { argoWorkflowsValues, type ArgoWorkflowsValuesProps } from "./values.js";
export {
  ARGO_DB_SECRET_KEYS,
  ARGO_WORKFLOWS_DEFAULTS,
  ARGO_WORKFLOWS_KEY,
  argoWorkflowsDefaults,
  argoWorkflowsSecrets,
  type ArgoWorkflowsSpec,
  type ArgoWorkflowsSpecInput,
  argoWorkflowsSpecSchema,
  checkArgoWorkflowsSpec,
} from "./spec.js";
export { argoWorkflowsWorkloads } from "./workloads.js";
