export { defineCluster } from "./define-cluster.js";
export { formatFleetProblems } from "./format-problems.js";
export { type ClusterModule, type FleetResult, type LoadedCluster, loadFleet } from "./load-fleet.js";
export { type FleetProblem } from "./problems.js";
export { clusterSpecSchema, defaultGitPath } from "./schema.js";
export type {
  AzureSpec,
  AzureSpecInput,
  ClusterSpec,
  ClusterSpecInput,
  FluxBootstrap,
  FluxDuration,
  FluxSpec,
  FluxSpecInput,
  GitSpec,
  GitSpecInput,
  NamespaceSpec,
  NamespaceSpecInput,
  PlatformsSpec,
  PlatformsSpecInput,
} from "./types.js";
export { CLUSTER_NAME_MAX_LENGTH, RESERVED_NAMESPACES } from "./validators/dns-label.js";
export { ACCEPTED_GIT_URL_FORMS, type GitRepositoryUrl, parseGitUrl } from "./validators/git-url.js";
