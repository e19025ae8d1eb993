export { FLYTE_CHART, FLYTE_DB_PASSWORD_PATH } from "./chart.js";
export {
  FLYTE_BACKEND_IDENTITY,
  FLYTE_BACKEND_SERVICE_ACCOUNTS,
  FLYTE_LABELLED_COMPONENTS,
  FLYTE_TASK_SERVICE_ACCOUNT,
  FLYTE_TASKS_IDENTITY,
  flyteIdentityRequirements,
  flyteTaskNamespaces,
} from "./identities.js";
export { FLYTE_GPU_RESOURCE, type FlyteToleration, flyteValues, type FlyteValuesProps } from "./values.js";
export {
  checkFlyteSpec,
  FLYTE_DB_PASSWORD_KEY,
  FLYTE_DEFAULTS,
  flyteDefaults,
  flyteSecrets,
  type FlyteSpec,
  type FlyteSpecInput,
  flyteSpecSchema,
} from "./spec.js";
export { flyteWorkloads } from "./workloads.js";
