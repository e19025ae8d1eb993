/**
 * How a platform plugs into flotilla (`@flotilla/fleet/platform`): the `Platform` interface a
 * platform package implements, `definePlatform` and `definePlatforms` (the registry), and the
 * building blocks of a platform's spec section (schema helpers, storage and database fields).
 *
 * `PlatformsSpecInput` and `PlatformsSpec` are declared here, empty, so that each platform
 * package adds its own key by declaration merging:
 *
 * ```ts
 * declare module "@flotilla/fleet/platform" {
 *   interface PlatformsSpecInput { kuberay?: KubeRaySpecInput | undefined }
 *   interface PlatformsSpec { kuberay?: KubeRaySpec | undefined }
 * }
 * ```
 *
 * A program that imports the platform (the registry does) then type-checks cluster files against
 * it; packages that do not import platforms see neither key.
 */

/**
 * The `platforms` of a cluster file: one optional key per registered platform (each platform
 * package adds its key, see above). Leaving a key out removes the platform, its namespace, its
 * identities and its Secret references.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PlatformsSpecInput {}

/** Validated {@link PlatformsSpecInput}: a key per installed platform, defaults filled. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PlatformsSpec {}

export {
  type AnyPlatform,
  definePlatform,
  definePlatforms,
  NO_PLATFORMS,
  type Platform,
  type PlatformChart,
  type PlatformCheckContext,
  type PlatformContributions,
  type PlatformRegistry,
  type PlatformRelease,
  type PlatformIdentityAnnotation,
  type PlatformReleaseValue,
  type PlatformRenderContext,
  type PlatformRequirement,
  type PlatformSecretRef,
  type PlatformSpecBase,
  type PlatformSpecDefinition,
  type SchemaInputIs,
  type SchemaOutput,
  platformSection,
} from "./platform.js";
export {
  checkPlatformHost,
  checkPostgresIdentifier,
  platformDatabase,
  platformDatabaseSchema,
  platformStorage,
  platformStorageSchema,
} from "./spec-fields.js";
export type {
  PlatformDatabase,
  PlatformDatabaseInput,
  PlatformIdentityRequirement,
  PlatformStorage,
  PlatformStorageInput,
} from "../platform-types.js";
export { checkedString, list, oneOf, strictObject, type StringCheck } from "../schema-helpers.js";
export { describeValue, showString } from "../describe-value.js";
export { checkDnsLabel, checkDnsSubdomain, checkNamespaceName } from "../validators/dns-label.js";
export { checkResourceGroup } from "../validators/azure.js";
export { checkStorageAccountName, checkStorageContainerName } from "../validators/azure-resources.js";
export { builtInRole } from "../azure-roles.js";
