import { createHash } from "node:crypto";

/**
 * Azure names and markers flotilla derives for workload identities. Every name is a pure
 * function of the fleet, so bootstrap and synth agree without storing anything.
 */

/** Azure's limit on federated identity credentials per user-assigned managed identity. */
export const MAX_FEDERATED_CREDENTIALS_PER_IDENTITY = 20;

/** Azure's pattern for federated identity credential names (ManagedIdentity 2024-11-30). */
export const FEDERATED_CREDENTIAL_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9-_]{2,119}$/;

/**
 * Tag names flotilla puts on the managed identities it creates. Azure tag names must not contain
 * `<`, `>`, `%`, `&`, `\`, `?` or `/`, so these are not Kubernetes-style `flotilla.dev/...` keys.
 */
export const TAGS = {
  /** Always `"flotilla"`: the identity is flotilla's (prune only ever touches these). */
  managedBy: "managed-by",
  /** The cluster the identity belongs to. */
  cluster: "flotilla-cluster",
  /** The identity's key in the fleet spec and in the outputs file. */
  identity: "flotilla-identity",
} as const;

/** The value of the {@link TAGS.managedBy} tag. */
export const MANAGED_BY = "flotilla";

/** The managed identity's Azure name: `id-<cluster>-<identity>` (at most 107 characters, always valid). */
export function identityAzureName(cluster: string, identity: string): string {
  return `id-${cluster}-${identity}`;
}

/** The custom role's Azure `roleName`: `flotilla-<cluster>-<name>` (role names are unique per tenant). */
export function customRoleAzureName(cluster: string, name: string): string {
  return `flotilla-${cluster}-${name}`;
}

/** The subject of a cluster ServiceAccount's tokens: `system:serviceaccount:<namespace>:<name>`. */
export function serviceAccountSubject(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/**
 * The federated credential name for a ServiceAccount: `<namespace>-<name>` like the reference
 * deployments (the subject without `system:serviceaccount:`, ':' replaced by '-'), with every
 * character Azure does not allow ('.' in ServiceAccount names) replaced by '-'. Names longer than
 * 120 characters are cut to 111 and end in '-' and 8 hex digits of the subject's SHA-256, so they
 * stay unique.
 */
export function serviceAccountCredentialName(namespace: string, name: string): string {
  return fitCredentialName(`${namespace}-${name}`.replace(/[^A-Za-z0-9_-]/g, "-"), serviceAccountSubject(namespace, name));
}

/** The federated credential name for an external federation entry: `ext-<name>`. */
export function externalCredentialName(name: string): string {
  return fitCredentialName(`ext-${name}`.replace(/[^A-Za-z0-9_-]/g, "-"), `external:${name}`);
}

function fitCredentialName(name: string, key: string): string {
  if (name.length <= 120) return name;
  const digest = createHash("sha256").update(key, "utf8").digest("hex").slice(0, 8);
  return `${name.slice(0, 111)}-${digest}`;
}

/** The description marker of a role assignment flotilla manages; prune only deletes assignments carrying it. */
export function roleAssignmentDescription(cluster: string, identity: string): string {
  return `managed by flotilla: cluster ${cluster}, identity ${identity}`;
}

/** The description of a custom role definition: the spec's description and flotilla's marker. */
export function roleDefinitionDescription(cluster: string, name: string, description: string): string {
  return `${description} (managed by flotilla: cluster ${cluster}, role ${name})`;
}
