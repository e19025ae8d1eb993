export {
  BUILT_IN_ROLES,
  builtInRole,
  type BuiltInRole,
  ROLE_SCOPE_KINDS,
  type RoleScopeKind,
  SCOPE_KIND_NOUNS,
} from "./azure-roles.js";
export { defineCluster } from "./define-cluster.js";
export { type CommandHints, COMMAND_NAMES } from "./command-hints.js";
export { type ClusterSelection, collectClusterNames, selectClusters } from "./cluster-selection.js";
export { formatFleetProblems } from "./format-problems.js";
export { type ClusterModule, type FleetResult, type LoadedCluster, loadFleet } from "./load-fleet.js";
export { splitClusterFile } from "./cluster-file.js";
export { clusterFiles, DEFAULT_IMPORT_TIMEOUT_MS, type FleetLocation, type ImportedFleet, importClusterModules } from "./import-cluster-modules.js";
export { type FleetProblem } from "./problems.js";
export { DEFAULT_FEDERATION_AUDIENCE } from "./identity-schema.js";
export { renderedNamespaces } from "./rendered-namespaces.js";
export { clusterSpecSchema, clusterSpecSchemaFor, defaultGitPath } from "./schema.js";
export { secretPathSegments, secretSourceFile } from "./secret-files.js";
export { checkAgeRecipient } from "./validators/sops.js";
export type {
  AzureKeyVaultSopsKey,
  AzureKeyVaultSopsKeyInput,
  SecretRef,
  SecretRefInput,
  SopsSpec,
  SopsSpecInput,
  AzureSpec,
  AzureSpecInput,
  ClusterSpec,
  ClusterSpecInput,
  CustomRoleRefInput,
  CustomRoleScope,
  CustomRoleScopeInput,
  CustomRoleSpec,
  CustomRoleSpecInput,
  ExternalFederationSpec,
  ExternalFederationSpecInput,
  FluxBootstrap,
  FluxDuration,
  FluxSpec,
  FluxSpecInput,
  GitSpec,
  GitSpecInput,
  IdentitySpec,
  IdentitySpecInput,
  NamespaceSpec,
  NamespaceSpecInput,
  PlatformsSpec,
  PlatformsSpecInput,
  RoleAssignmentSpec,
  RoleAssignmentSpecInput,
  RoleScope,
  RoleScopeInput,
  ServiceAccountRef,
  ServiceAccountRefInput,
  WorkspacesSpec,
  WorkspacesSpecInput,
} from "./types.js";
export type {
  KarpenterSpec,
  KarpenterSpecInput,
  NodeAutoProvisioningSpecInput,
  NodePoolSpec,
  NodePoolSpecInput,
  SelfHostedKarpenterSpec,
  SelfHostedKarpenterSpecInput,
} from "./node-pool-types.js";
export { CLUSTER_NAME_MAX_LENGTH, RESERVED_NAMESPACES } from "./validators/dns-label.js";
export { DEFAULT_KUBERNETES_VERSION, KUBERNETES_VERSION_ANNOTATION, MIN_KUBERNETES_MINOR } from "./validators/kubernetes-version.js";
export { ACCEPTED_GIT_URL_FORMS, type GitRepositoryUrl, parseGitUrl } from "./validators/git-url.js";
export type * from "./flux-azure-types.js";
export { FLUX_NAMESPACE, GIT_SECRET_KEYS, NOTIFICATION_SECRET_KEY } from "./flux-azure-schema.js";
export { checkGitUrl } from "./validators/git-url.js";
export type {
  PlatformDatabase,
  PlatformDatabaseInput,
  PlatformStorage,
  PlatformStorageInput,
  PlatformIdentityRequirement,
} from "./platform-types.js";
export {
  type AnyPlatform,
  definePlatforms,
  NO_PLATFORMS,
  type Platform,
  type PlatformRegistry,
  platformSection,
} from "./platform/platform.js";
export type { AzureWorkload, ConfigSetting, PlatformWorkloads, RunTimeObject, RunTimePod } from "./platform-workloads.js";
export { secretNamespaces } from "./secret-namespaces.js";
export { automatedImages, IMAGE_TAGS_FILE, IMAGE_TAGS_KIND, imagePolicyMarker, imageRepositoryOf } from "./image-tags.js";
