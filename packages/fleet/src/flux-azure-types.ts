/**
 * Spec types of Flux on Azure (issue #7): the registry Flux's controllers pull from with their
 * own workload identity, extra Git and Helm OCI sources, and notifications. Part of `flux`.
 */

/** An Azure Container Registry Flux's source-controller and image-reflector-controller pull from. */
export interface FluxRegistryInput {
  /** Registry name (not the login server), e.g. `"crmldev"` for `crmldev.azurecr.io`. */
  name: string;
  /**
   * Resource group of the registry.
   * @default the cluster's `azure.resourceGroup`
   */
  resourceGroup?: string | undefined;
}

/** Validated {@link FluxRegistryInput}. */
export interface FluxRegistry {
  name: string;
  resourceGroup: string;
}

/** An extra Git repository Flux watches (GitRepository in `flux-system`). */
export interface FluxGitSourceInput {
  /** GitRepository name in `flux-system`, a DNS subdomain; must not be `flotilla` or `flux-system`. */
  name: string;
  /**
   * Repository URL, in a form Flux accepts (as `git.url`): `https://github.com/<org>/<repo>`,
   * `ssh://git@github.com/<org>/<repo>`, `https://dev.azure.com/<org>/<project>/_git/<repo>`,
   * `ssh://git@ssh.dev.azure.com/v3/<org>/<project>/<repo>`. Checked when the fleet loads.
   */
  url: string;
  /**
   * Branch to follow.
   * @default "main"
   */
  branch?: string | undefined;
  /**
   * A Secret of `secrets` in namespace `flux-system` with the credentials: `username` and
   * `password` (an Azure DevOps PAT or GitHub token) for https, `identity` and `known_hosts` for ssh.
   * Required for ssh; omit for a public https repository or with `provider: "azure"`.
   * @default - no credentials
   */
  secretRef?: string | undefined;
  /**
   * `"azure"`: source-controller authenticates to Azure DevOps with its workload identity
   * (https Azure DevOps URLs only; source-controller then gets an identity, see README).
   * @default "generic"
   */
  provider?: "generic" | "azure" | undefined;
}

/** Validated {@link FluxGitSourceInput}. */
export interface FluxGitSource {
  name: string;
  url: string;
  branch: string;
  secretRef?: string | undefined;
  provider: "generic" | "azure";
}

/** Helm charts stored as OCI artifacts in an Azure Container Registry (HelmRepository type oci, provider azure). */
export interface FluxHelmOciSourceInput {
  /** HelmRepository name in `flux-system`. */
  name: string;
  /** The registry name (`<name>.azurecr.io`); must be `flux.registry.name`, on which source-controller has AcrPull. */
  registry: string;
  /**
   * Repository path prefix inside the registry, e.g. `"helm"` for `oci://crmldev.azurecr.io/helm`.
   * @default "" (the registry root)
   */
  path?: string | undefined;
}

/** Validated {@link FluxHelmOciSourceInput}. */
export interface FluxHelmOciSource {
  name: string;
  registry: string;
  path: string;
}

/** Provider types flotilla offers (a subset of the vendored notification CRD's enum). */
export type FluxNotificationType = "msteams" | "azureeventhub" | "azuredevops" | "github";

/** Where Flux sends events: a notification Provider and an Alert for the cluster's Kustomizations and HelmReleases. */
export interface FluxNotificationInput {
  /** Provider and Alert name in `flux-system`. */
  name: string;
  /**
   * Provider type: `msteams` (webhook URL in the Secret's `address`), `azureeventhub` (`address`
   * = connection string), `azuredevops`/`github` (commit status; `token` in the Secret, `address`
   * = the repository URL from `git.url`).
   */
  type: FluxNotificationType;
  /** A Secret of `secrets` in `flux-system` holding the credentials (`address` or `token`). */
  secretRef: string;
  /**
   * Lowest severity sent.
   * @default "error"
   */
  severity?: "info" | "error" | undefined;
}

/** Validated {@link FluxNotificationInput}. */
export interface FluxNotification {
  name: string;
  type: FluxNotificationType;
  secretRef: string;
  severity: "info" | "error";
}

/** A platform whose HelmRelease values an automated image is set into (its key in `platforms`). */
export type ImageValuePlatform = string;

/** A value of a platform's HelmRelease that holds an automated image. */
export interface FluxImageValue {
  /** The platform (enabled on this cluster) whose HelmRelease gets the image. */
  platform: ImageValuePlatform;
  /**
   * Dotted path in the chart's values, which must exist in the values.yaml of the vendored chart archive: a map with
   * `registry`, `repository` and `tag` (e.g. argo-workflows `executor.image`) gets the three parts,
   * a map with `repository` and `tag` (e.g. metaflow `metaflow-service.image`) gets
   * `<registry>.azurecr.io/<repository>` and the tag, a string gets the whole reference.
   */
  path: string;
}

/**
 * Image update automation of an image: Flux's ImageUpdateAutomation keeps the image's tag in
 * `<images dir>/<cluster>/images.yaml` current, and synth sets it
 * into these values.
 */
export interface FluxImageAutomation {
  /** Where the image is used; at least one. */
  values: FluxImageValue[];
}

/** An image in `flux.registry` Flux scans (ImageRepository, provider azure) and selects a tag of (ImagePolicy). */
export interface FluxImagePolicyInput {
  /** ImageRepository and ImagePolicy name in `flux-system`; markers say `# {"$imagepolicy": "flux-system:<name>"}`. */
  name: string;
  /** Repository inside `flux.registry`, e.g. `"analytics/runner"` for `crmldev.azurecr.io/analytics/runner`. */
  repository: string;
  /** A semver range, e.g. `">=1.0.0 <2.0.0"`. Set exactly one of `semver` and `pattern`. */
  semver?: string | undefined;
  /** A Go regex tags must match, with a named group ordered numerically, e.g. `"^main-[a-f0-9]+-(?P<ts>[0-9]+)$"`. */
  pattern?: string | undefined;
  /**
   * The ordered value, e.g. `"$ts"`; required with `pattern`.
   */
  extract?: string | undefined;
  /**
   * Keep the image current in platform HelmRelease values (see README "Image update automation").
   * Flux pushes the new tag with `git.secretRef`, so it must not be `null`, and its credentials
   * must allow pushing.
   * @default - not automated: Flux only reports the tag it would pick
   */
  automate?: FluxImageAutomation | undefined;
}

/** Validated {@link FluxImagePolicyInput}. */
export interface FluxImagePolicy {
  name: string;
  repository: string;
  semver?: string | undefined;
  pattern?: string | undefined;
  extract?: string | undefined;
  automate?: FluxImageAutomation | undefined;
}

/** The Azure-related fields of `flux`. */
export interface FluxAzureSpecInput {
  /**
   * The ACR Flux pulls charts and image metadata from with workload identity: source-controller
   * and image-reflector-controller get identities with AcrPull on it.
   * @default - no registry, no controller identities for it
   */
  registry?: FluxRegistryInput | undefined;
  /** Extra Git repositories. @default [] */
  gitSources?: FluxGitSourceInput[] | undefined;
  /** Helm charts in ACR as OCI. @default [] */
  helmOciSources?: FluxHelmOciSourceInput[] | undefined;
  /** Notifications. @default [] */
  notifications?: FluxNotificationInput[] | undefined;
  /** Images of `registry` Flux scans and picks the latest tag of (see README "Image policies"). @default [] */
  images?: FluxImagePolicyInput[] | undefined;
}

/** Validated {@link FluxAzureSpecInput}. */
export interface FluxAzureSpec {
  registry: FluxRegistry | undefined;
  gitSources: FluxGitSource[];
  helmOciSources: FluxHelmOciSource[];
  notifications: FluxNotification[];
  images: FluxImagePolicy[];
}
