export { METAFLOW_CHART, METAFLOW_SERVICE_ACCOUNTS } from "./chart.js";
export { METAFLOW_IDENTITY, METAFLOW_UI_IDENTITY, metaflowIdentityRequirements } from "./identities.js";
export { metaflowBlobEndpoint, metaflowSysroot, metaflowValues, type MetaflowValuesProps } from "./values.js";
export { metaflowClientConfig } from "./client-config.js";
export {
  METAFLOW_DB_PASSWORD_KEY,
  METAFLOW_DEFAULTS,
  metaflowDefaults,
  metaflowSecrets,
  type MetaflowSpec,
  type MetaflowSpecInput,
  metaflowSpecSchema,
} from "./spec.js";
export { metaflowWorkloads } from "./workloads.js";
export { METAFLOW_UI, METAFLOW_UI_BROWSER_BACKEND_URL, METAFLOW_UI_SERVICE_ACCOUNT, metaflowUiBackendEnv, metaflowUiBackendImage, metaflowUiSelector } from "./ui.js";
