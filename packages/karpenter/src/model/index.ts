// The pure part of @flotilla/karpenter (`@flotilla/karpenter/model`): node pool options, presets,
// semantic checks, resolution and pod scheduling, and the self-hosted controller's settings.
// No cdk8s, no I/O: @flotilla/fleet checks ClusterSpecs with it; the constructs use the same code.
export * from "./options.js";
export { GPU_TAINT, PRESET_NAMES, PRESETS, type PresetDefaults, SPOT_TAINT } from "./presets.js";
export {
  ARCHITECTURE,
  CAPACITY_TYPE,
  checkRequirementKey,
  NODE_POOL_LABEL,
  OPERATING_SYSTEM,
  REQUIREMENT_KEYS,
  type RequirementKey,
  SCALE_SET_PRIORITY,
  SKU_FAMILY,
  SKU_GPU_MANUFACTURER,
  SKU_SERIES,
} from "./requirement-keys.js";
export { checkSkuFamily, checkSkuName, checkSkuSeries, checkSkuVersion, isArm64Series, suggestSeries } from "./sku.js";
export {
  type CheckedRequirement,
  type LocatedRequirement,
  type ModelProblem,
  type ProblemPath,
  requirementProblems,
  requirementSetProblems,
} from "./requirement-checks.js";
export {
  formatProblemPath,
  NODE_AUTO_PROVISIONING_RESERVED_NAMES,
  nodeClassProblems,
  nodePoolProblems,
  throwProblems,
} from "./node-pool-checks.js";
export { checkKarpenterDuration, checkPoolName, checkQuantity, checkSubnetId } from "./formats.js";
export { isResolvedNodePool, locatedRequirements, resolveNodePool } from "./resolve.js";
export { type PodScheduling, podSchedulingFor, type PodToleration } from "./pod-scheduling.js";
export {
  controllerRoleAssignments,
  type ControllerRoleAssignment,
  DEFAULT_BOOTSTRAP_TOKEN_SECRET,
  KARPENTER_CHART,
  KARPENTER_CONTROLLER,
  type KarpenterNetworkOptions,
  type KubeletIdentityOptions,
  type ResolvedSelfHostedKarpenter,
  resolveSelfHosted,
  type SelfHostedKarpenterOptions,
  selfHostedProblems,
} from "./controller.js";
