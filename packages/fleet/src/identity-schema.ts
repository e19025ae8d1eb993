import * as z from "zod";
import type { PlatformRegistry } from "./platform/platform.js";
import { platformNamespacesOf } from "./platforms-schema.js";
import { BUILT_IN_ROLES, builtInRole, ROLE_SCOPE_KINDS, SCOPE_KIND_NOUNS, type RoleScopeKind } from "./azure-roles.js";
import { describeValue, showString } from "./describe-value.js";
import { ALWAYS, checkedString, list, strictObject } from "./schema-helpers.js";
import { closest } from "./suggest.js";
import type {
  ClusterSpec,
  CustomRoleScopeInput,
  CustomRoleSpec,
  IdentitySpec,
  RoleScope,
  RoleScopeInput,
} from "./types.js";
import { checkResourceGroup } from "./validators/azure.js";
import {
  checkContainerRegistryName,
  checkKeyVaultName,
  checkKeyVaultObjectName,
  checkRoleOperation,
  checkStorageAccountName,
  checkStorageContainerName,
} from "./validators/azure-resources.js";
import { checkDnsLabel, checkDnsSubdomain, checkNamespaceName } from "./validators/dns-label.js";
import { checkExternalIssuer } from "./validators/issuer-url.js";

/** The audience of every federated credential unless an external entry says otherwise. */
export const DEFAULT_FEDERATION_AUDIENCE = "api://AzureADTokenExchange" as const;

type Ctx = z.core.$RefinementCtx;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const checkName = (value: string) => checkDnsLabel(value, { maxLength: 63, startWithLetter: false });

/** A claim value of an external federation: 1-600 characters, no surrounding spaces or control characters. */
function checkClaim(value: string): string | undefined {
  if (value.length === 0) return "must not be empty";
  if (value.length > 600) return `must be at most 600 characters, got ${value.length}`;
  if (value.trim() !== value) return `must not start or end with spaces, got ${showString(value)}`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return "must not contain control characters";
  return undefined;
}

function checkDescription(value: string): string | undefined {
  if (value.trim() === "") return "must not be empty; leave it out for the default";
  if (value.length > 1024) return `must be at most 1024 characters, got ${value.length}`;
  return undefined;
}

/** Checks a built-in role name against {@link BUILT_IN_ROLES}, suggesting the closest one. */
export function checkBuiltInRoleName(value: string): string | undefined {
  if (builtInRole(value) !== undefined) return undefined;
  const names = BUILT_IN_ROLES.map((role) => role.name);
  const near = closest(value, names);
  const suggestion = near === undefined ? "" : ` (did you mean ${JSON.stringify(near)}?)`;
  return `unknown built-in role ${showString(value)}${suggestion}; built-in roles flotilla knows: ${names.join(", ")}; for any other role, define it in customRoles and write role: { custom: "<name>" }`;
}

/**
 * A refinement requiring exactly one of `keys` to be set; `many` words the problem when several
 * are. When the object already has problems (an unknown key, say), "none set" is not reported
 * too, so a typo is reported once, with its suggestion.
 */
function exactlyOne(keys: readonly string[], what: string, many: (present: string) => string) {
  return (value: unknown, ctx: Ctx) => {
    if (!isObject(value)) return;
    const present = keys.filter((key) => value[key] !== undefined);
    if (present.length === 1) return;
    if (present.length === 0) {
      if (ctx.issues.length > 0) return;
      const listed = keys.map((key) => `\`${key}\``).join(", ");
      ctx.addIssue({ code: "custom", message: `required: ${what}, one of ${listed}`, input: value });
      return;
    }
    ctx.addIssue({ code: "custom", message: many(present.map((key) => `\`${key}\``).join(" and ")), input: value });
  };
}

const resourceGroupField = checkedString("the resource group", checkResourceGroup).optional();

const subscriptionField = z.literal(true, {
  error: (issue) =>
    issue.input === undefined
      ? undefined
      : `write { subscription: true } to grant on the whole subscription (rarely what a workload needs), or choose a narrower scope; got ${describeValue(issue.input)}`,
});

const roleScopeImplementation = strictObject("the scope, e.g. { storageContainer: { account, container } }", {
  storageContainer: strictObject("the storage container: { account, container, resourceGroup? }", {
    account: checkedString("the storage account name", checkStorageAccountName),
    container: checkedString("the container name", checkStorageContainerName),
    resourceGroup: resourceGroupField,
  }).optional(),
  storageAccount: strictObject("the storage account: { name, resourceGroup? }", {
    name: checkedString("the storage account name", checkStorageAccountName),
    resourceGroup: resourceGroupField,
  }).optional(),
  keyVaultKey: strictObject("the Key Vault key: { vault, key, resourceGroup? }", {
    vault: checkedString("the Key Vault name", checkKeyVaultName),
    key: checkedString("the key name", checkKeyVaultObjectName),
    resourceGroup: resourceGroupField,
  }).optional(),
  keyVaultSecret: strictObject("the Key Vault secret: { vault, secret, resourceGroup? }", {
    vault: checkedString("the Key Vault name", checkKeyVaultName),
    secret: checkedString("the secret name", checkKeyVaultObjectName),
    resourceGroup: resourceGroupField,
  }).optional(),
  keyVault: strictObject("the Key Vault: { name, resourceGroup? }", {
    name: checkedString("the Key Vault name", checkKeyVaultName),
    resourceGroup: resourceGroupField,
  }).optional(),
  containerRegistry: strictObject("the container registry: { name, resourceGroup? }", {
    name: checkedString("the registry name", checkContainerRegistryName),
    resourceGroup: resourceGroupField,
  }).optional(),
  resourceGroup: checkedString("the resource group name", checkResourceGroup).optional(),
  subscription: subscriptionField.optional(),
}).superRefine(
  exactlyOne(ROLE_SCOPE_KINDS, "the scope", (present) => `a scope names exactly one resource, got ${present}; write one role entry per scope`),
  ALWAYS,
);

/**
 * The scope of a role assignment. At run time a strict object of optional keys with an
 * exactly-one check (so unknown keys get suggestions); typed as the union it guarantees.
 */
const roleScopeSchema = roleScopeImplementation as unknown as z.ZodType<RoleScopeInput, RoleScopeInput>;

const roleSchema = z.union(
  [
    checkedString("the role", checkBuiltInRoleName),
    strictObject("the custom role reference", {
      custom: checkedString("the name of a customRoles entry", checkName),
    }),
  ],
  {
    error: (issue) => {
      if (issue.code !== "invalid_union") return undefined;
      const input: unknown = issue.input;
      const expected = `a built-in role name like "Storage Blob Data Reader", or { custom: "<name of a customRoles entry>" }`;
      if (input === undefined) return `required: the role: ${expected}`;
      if (!isObject(input)) return `expected ${expected}, got ${describeValue(input)}`;
      const unknown = Object.keys(input).find((key) => key !== "custom");
      if (unknown !== undefined) {
        const hint = closest(unknown, ["custom"]) === undefined ? "" : "; did you mean `custom`?";
        return `expected { custom: "<name of a customRoles entry>" }, got the unknown field \`${unknown}\`${hint}`;
      }
      return `expected { custom: "<name of a customRoles entry>" }, got custom: ${describeValue(input.custom)}`;
    },
  },
);

/** The scope kind of a raw scope value, when it names exactly one known kind. */
function scopeKind(value: unknown): RoleScopeKind | undefined {
  if (!isObject(value)) return undefined;
  const present = ROLE_SCOPE_KINDS.filter((kind) => value[kind] !== undefined);
  return present.length === 1 ? present[0] : undefined;
}

const roleAssignmentSchema = strictObject("the role assignment: { role, scope }", {
  role: roleSchema,
  scope: roleScopeSchema,
}).superRefine((value, ctx) => {
  const raw: unknown = value;
  if (!isObject(raw) || typeof raw.role !== "string") return;
  const role = builtInRole(raw.role);
  const kind = scopeKind(raw.scope);
  if (role === undefined || kind === undefined || role.scopes.includes(kind)) return;
  const fits = role.scopes.filter((scope) => scope !== "resourceGroup" && scope !== "subscription");
  const instead = fits.length > 0 ? fits : role.scopes;
  ctx.addIssue({
    code: "custom",
    path: ["scope"],
    message: `${JSON.stringify(role.name)} grants nothing on ${SCOPE_KIND_NOUNS[kind]}; use a scope of ${instead.map((scope) => `\`${scope}\``).join(" or ")}`,
  });
}, ALWAYS);

const namespaceRef = (what: string) => checkedString(what, checkNamespaceName);
const serviceAccountName = (what: string) => checkedString(what, checkDnsSubdomain);

const serviceAccountRefSchema = strictObject("the ServiceAccount: { namespace, name }", {
  namespace: namespaceRef("the namespace of the ServiceAccount"),
  name: serviceAccountName("the ServiceAccount name"),
});

const workspacesSchema = strictObject("the workspaces: { namespaces, serviceAccount }", {
  namespaces: list("the workspace namespaces", namespaceRef("the workspace namespace")).superRefine((namespaces, ctx) => {
    const items: unknown = namespaces;
    if (Array.isArray(items) && items.length === 0) {
      ctx.addIssue({ code: "custom", message: "list at least one namespace, or remove workspaces", input: items });
    }
  }, ALWAYS),
  serviceAccount: serviceAccountName("the name of the ServiceAccount rendered in each workspace namespace"),
});

const externalSchema = strictObject("the external federation: { name, issuer, subject, audience? }", {
  name: checkedString("the name of the external federation (a DNS label)", checkName),
  issuer: checkedString("the issuer URL of the external tokens", checkExternalIssuer),
  subject: checkedString("the subject (sub claim) of the external tokens", checkClaim),
  audience: checkedString("the audience", checkClaim).default(DEFAULT_FEDERATION_AUDIENCE),
});

/** Reports every list entry whose `name` repeats an earlier entry's, naming the first. */
function uniqueNames(listName: string, check: (value: string) => string | undefined, noun: string) {
  return (entries: unknown, ctx: Ctx) => {
    if (!Array.isArray(entries)) return;
    const first = new Map<string, number>();
    entries.forEach((entry: unknown, index) => {
      const name = isObject(entry) ? entry.name : undefined;
      if (typeof name !== "string" || check(name) !== undefined) return;
      const earlier = first.get(name);
      if (earlier === undefined) first.set(name, index);
      else {
        ctx.addIssue({
          code: "custom",
          path: [index, "name"],
          message: `${noun} ${showString(name)} is already declared at ${listName}[${earlier}]; names must be unique`,
        });
      }
    });
  };
}

const identitySchema = strictObject(
  "the identity: { name, resourceGroup?, serviceAccounts?, workspaces?, external?, roles? }",
  {
    name: checkedString("the identity name, a DNS label like \"analytics\"", checkName),
    resourceGroup: checkedString("the resource group of the managed identity", checkResourceGroup).optional(),
    serviceAccounts: list("the ServiceAccounts", serviceAccountRefSchema).default([]),
    workspaces: workspacesSchema.optional(),
    external: list("the external federations", externalSchema)
      .superRefine(uniqueNames("external", checkName, "external federation"), ALWAYS)
      .default([]),
    roles: list("the roles", roleAssignmentSchema).default([]),
  },
);

export const identitiesSchema = list("the identities", identitySchema)
  .superRefine(uniqueNames("identities", checkName, "identity"), ALWAYS)
  .default([]);

const customRoleScopeImplementation = strictObject("the custom role scope: { resourceGroup } or { subscription: true }", {
  resourceGroup: checkedString("the resource group name", checkResourceGroup).optional(),
  subscription: subscriptionField.optional(),
}).superRefine(
  exactlyOne(["resourceGroup", "subscription"], "the custom role scope", () => `expected either { resourceGroup: "<name>" } or { subscription: true }, not both`),
  ALWAYS,
);

const customRoleScopeSchema = customRoleScopeImplementation as unknown as z.ZodType<CustomRoleScopeInput, CustomRoleScopeInput>;

const operations = (what: string) => list(what, checkedString("the operation", checkRoleOperation)).default([]);

const customRoleSchema = strictObject(
  "the custom role: { name, description?, actions?, notActions?, dataActions?, notDataActions?, scope? }",
  {
    name: checkedString("the custom role name, a DNS label like \"blob-append-only\"", checkName),
    description: checkedString("the description", checkDescription).optional(),
    actions: operations("the actions"),
    notActions: operations("the notActions"),
    dataActions: operations("the dataActions"),
    notDataActions: operations("the notDataActions"),
    scope: customRoleScopeSchema.optional(),
  },
).superRefine((value, ctx) => {
  const raw: unknown = value;
  if (!isObject(raw)) return;
  const empty = (list: unknown) => list === undefined || (Array.isArray(list) && list.length === 0);
  if (empty(raw.actions) && empty(raw.dataActions)) {
    ctx.addIssue({
      code: "custom",
      message: "a custom role must grant something: list the operations the workload needs in actions or dataActions",
    });
  }
}, ALWAYS);

export const customRolesSchema = list("the custom roles", customRoleSchema)
  .superRefine(uniqueNames("customRoles", checkName, "custom role"), ALWAYS)
  .default([]);

/**
 * The namespaces synth renders for a cluster, read from the raw (possibly invalid) spec: the
 * declared `namespaces` and the platforms' namespaces.
 */
function declaredNamespaces(spec: Record<string, unknown>, platforms: PlatformRegistry): Set<string> {
  const names = new Set<string>();
  if (Array.isArray(spec.namespaces)) {
    for (const entry of spec.namespaces as unknown[]) {
      if (isObject(entry) && typeof entry.name === "string") names.add(entry.name);
    }
  }
  for (const name of platformNamespacesOf(spec.platforms, platforms)) names.add(name);
  return names;
}

function quotedList(values: Iterable<string>): string {
  const sorted = [...values].sort();
  return sorted.length === 0 ? "none" : sorted.map((value) => JSON.stringify(value)).join(", ");
}

/**
 * Cross-references inside one cluster, checked on the raw value so they are reported even when
 * other fields are invalid: ServiceAccount namespaces must be namespaces the cluster renders,
 * and custom role references must name a `customRoles` entry.
 */
export const checkIdentityReferences = (platforms: PlatformRegistry) => (value: unknown, ctx: Ctx): void => {
  if (!isObject(value) || !Array.isArray(value.identities)) return;
  const namespaces = declaredNamespaces(value, platforms);
  const customRoles = new Set<string>();
  if (Array.isArray(value.customRoles)) {
    for (const role of value.customRoles as unknown[]) {
      if (isObject(role) && typeof role.name === "string") customRoles.add(role.name);
    }
  }

  const checkNamespace = (namespace: unknown, path: PropertyKey[]) => {
    if (typeof namespace !== "string" || checkNamespaceName(namespace) !== undefined || namespaces.has(namespace)) return;
    ctx.addIssue({
      code: "custom",
      path,
      message: `namespace ${showString(namespace)} is not rendered by this cluster, so its ServiceAccount could not be created; add { name: ${JSON.stringify(namespace)} } to namespaces (declared: ${quotedList(namespaces)})`,
    });
  };

  (value.identities as unknown[]).forEach((identity, i) => {
    if (!isObject(identity)) return;
    if (Array.isArray(identity.serviceAccounts)) {
      (identity.serviceAccounts as unknown[]).forEach((account, j) => {
        if (isObject(account)) checkNamespace(account.namespace, ["identities", i, "serviceAccounts", j, "namespace"]);
      });
    }
    if (isObject(identity.workspaces) && Array.isArray(identity.workspaces.namespaces)) {
      (identity.workspaces.namespaces as unknown[]).forEach((namespace, j) => {
        checkNamespace(namespace, ["identities", i, "workspaces", "namespaces", j]);
      });
    }
    if (Array.isArray(identity.roles)) {
      (identity.roles as unknown[]).forEach((role, j) => {
        const ref = isObject(role) && isObject(role.role) ? role.role.custom : undefined;
        if (typeof ref !== "string" || checkName(ref) !== undefined || customRoles.has(ref)) return;
        const fix =
          customRoles.size === 0
            ? `define it: customRoles: [{ name: ${JSON.stringify(ref)}, dataActions: [...] }]`
            : `defined custom roles: ${quotedList(customRoles)}`;
        ctx.addIssue({
          code: "custom",
          path: ["identities", i, "roles", j, "role", "custom"],
          message: `custom role ${showString(ref)} is not defined in customRoles; ${fix}`,
        });
      });
    }
  });
};

type ParsedIdentity = Omit<IdentitySpec, "resourceGroup" | "roles" | "workspaces"> & {
  resourceGroup?: string | undefined;
  workspaces?: IdentitySpec["workspaces"];
  roles: { role: IdentitySpec["roles"][number]["role"]; scope: RoleScopeInput }[];
};
type ParsedCustomRole = Omit<CustomRoleSpec, "description" | "scope"> & {
  description?: string | undefined;
  scope?: CustomRoleScopeInput | undefined;
};

/** Fills the resource-group defaults of a scope with the cluster's resource group. */
function fillScope(scope: RoleScopeInput, resourceGroup: string): RoleScope {
  if ("storageContainer" in scope) return { storageContainer: { ...scope.storageContainer, resourceGroup: scope.storageContainer.resourceGroup ?? resourceGroup } };
  if ("storageAccount" in scope) return { storageAccount: { ...scope.storageAccount, resourceGroup: scope.storageAccount.resourceGroup ?? resourceGroup } };
  if ("keyVaultKey" in scope) return { keyVaultKey: { ...scope.keyVaultKey, resourceGroup: scope.keyVaultKey.resourceGroup ?? resourceGroup } };
  if ("keyVaultSecret" in scope) return { keyVaultSecret: { ...scope.keyVaultSecret, resourceGroup: scope.keyVaultSecret.resourceGroup ?? resourceGroup } };
  if ("keyVault" in scope) return { keyVault: { ...scope.keyVault, resourceGroup: scope.keyVault.resourceGroup ?? resourceGroup } };
  if ("containerRegistry" in scope) return { containerRegistry: { ...scope.containerRegistry, resourceGroup: scope.containerRegistry.resourceGroup ?? resourceGroup } };
  if ("resourceGroup" in scope) return { resourceGroup: scope.resourceGroup };
  return { subscription: true };
}

/** The identities and custom roles of a parsed cluster with every default filled. */
export function identityDefaults(
  cluster: { name: string; azure: { resourceGroup: string } },
  identities: ParsedIdentity[],
  customRoles: ParsedCustomRole[],
): Pick<ClusterSpec, "identities" | "customRoles"> {
  const group = cluster.azure.resourceGroup;
  return {
    identities: identities.map((identity) => ({
      name: identity.name,
      resourceGroup: identity.resourceGroup ?? group,
      serviceAccounts: identity.serviceAccounts,
      workspaces: identity.workspaces,
      external: identity.external,
      roles: identity.roles.map((role) => ({ role: role.role, scope: fillScope(role.scope, group) })),
    })),
    customRoles: customRoles.map((role) => ({
      name: role.name,
      description: role.description ?? `Custom role ${role.name} of cluster ${cluster.name}`,
      actions: role.actions,
      notActions: role.notActions,
      dataActions: role.dataActions,
      notDataActions: role.notDataActions,
      scope: role.scope ?? { resourceGroup: group },
    })),
  };
}
