import * as z from "zod";
import { describeValue } from "./describe-value.js";
import type { ArgoWorkflowsSpec, FlyteSpec, MetaflowSpec, PlatformDatabase, PlatformsSpec } from "./platform-types.js";
import { checkedString, list, strictObject } from "./schema-helpers.js";
import type { SecretRef } from "./types.js";
import { checkResourceGroup } from "./validators/azure.js";
import { checkStorageAccountName, checkStorageContainerName } from "./validators/azure-resources.js";
import { checkDnsLabel, checkDnsSubdomain, checkNamespaceName } from "./validators/dns-label.js";

type Ctx = z.core.$RefinementCtx;

/** The key of the Flyte database password in its Secret: the chart mounts it at /etc/db/pass.txt. */
export const FLYTE_DB_PASSWORD_KEY = "pass.txt";

/** Defaults of the Flyte platform (see `FlyteSpecInput`). */
export const FLYTE_DEFAULTS = {
  namespace: "flyte",
  projects: ["flytesnacks"],
  domains: ["development", "staging", "production"],
} as const;

const storageSchema = strictObject("the Blob Storage: { account, container, resourceGroup? }", {
  account: checkedString("the storage account name, e.g. \"stmldevflyte\"", checkStorageAccountName),
  container: checkedString("the blob container, e.g. \"flyte\"", checkStorageContainerName),
  resourceGroup: checkedString("the resource group of the storage account", checkResourceGroup).optional(),
});

const checkHost = (value: string) =>
  /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(value) && value.length <= 253
    ? undefined
    : `expected a host name such as "psql-ml-dev.postgres.database.azure.com", got ${describeValue(value)}`;
const checkIdentifier = (value: string) =>
  /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(value) ? undefined : `expected a PostgreSQL name (letters, digits, '_'; at most 63), got ${describeValue(value)}`;

const databaseSchema = strictObject("the PostgreSQL database: { host, database?, username?, passwordSecret? }", {
  host: checkedString("the PostgreSQL flexible server host name", checkHost),
  database: checkedString("the database name", checkIdentifier).optional(),
  username: checkedString("the database login", checkIdentifier).optional(),
  passwordSecret: checkedString("the name of the SOPS-encrypted Secret holding the password", checkDnsSubdomain).optional(),
});

const nameLabel = (what: string) => checkedString(what, (value) => checkDnsLabel(value, { maxLength: 30, startWithLetter: true }));

const flyteSchema = strictObject("the Flyte platform: { storage, database, namespace?, projects?, domains?, gpuNodePool? }", {
  namespace: checkedString("the Flyte control plane namespace", checkNamespaceName).optional(),
  storage: storageSchema,
  database: databaseSchema,
  projects: list("the Flyte projects", nameLabel("a Flyte project, e.g. \"flytesnacks\"")).min(1, "list at least one project").optional(),
  domains: list("the Flyte domains", nameLabel("a Flyte domain, e.g. \"development\"")).min(1, "list at least one domain").optional(),
  // Checked against nodePools in checkPlatformReferences.
  gpuNodePool: checkedString("the name of a gpu-preset pool of nodePools, e.g. \"gpu\"", () => undefined).optional(),
});

/** The keys of the Argo workflow archive's Secret (`controller.persistence.postgresql.{userNameSecret,passwordSecret}`). */
export const ARGO_DB_SECRET_KEYS = { username: "username", password: "password" } as const;

/** Defaults of Argo Workflows (see `ArgoWorkflowsSpecInput`). */
export const ARGO_WORKFLOWS_DEFAULTS = { namespace: "argo", database: "argo" } as const;

const argoWorkflowsSchema = strictObject("Argo Workflows: { storage, database, namespace?, workflowNamespaces? }", {
  namespace: checkedString("the Argo Workflows namespace", checkNamespaceName).optional(),
  storage: storageSchema,
  database: databaseSchema,
  workflowNamespaces: list("the workflow namespaces", checkedString("a namespace", checkNamespaceName)).min(1, "list at least one namespace").optional(),
});

/** The key of the Metaflow database password in its Secret. */
export const METAFLOW_DB_PASSWORD_KEY = "password";

/** Defaults of Metaflow (see `MetaflowSpecInput`). */
export const METAFLOW_DEFAULTS = { namespace: "metaflow", sysrootPrefix: "metaflow" } as const;

const metaflowSchema = strictObject("Metaflow: { storage, database, namespace?, sysrootPrefix? }", {
  namespace: checkedString("the Metaflow namespace", checkNamespaceName).optional(),
  storage: storageSchema,
  sysrootPrefix: checkedString("the datastore root inside the container, e.g. \"metaflow\"", (value) =>
    /^[A-Za-z0-9][-_.A-Za-z0-9/]{0,254}$/.test(value) && !value.endsWith("/") ? undefined : `expected a blob path prefix such as "metaflow", got ${describeValue(value)}`,
  ).optional(),
  database: databaseSchema,
});

export const platformsSchema = strictObject("the platforms: { flyte?, argoWorkflows?, metaflow? }", {
  flyte: flyteSchema.optional(),
  argoWorkflows: argoWorkflowsSchema.optional(),
  metaflow: metaflowSchema.optional(),
}).default({});

type ParsedPlatforms = z.output<typeof platformsSchema>;

function database(parsed: z.output<typeof databaseSchema>, platform: string): PlatformDatabase {
  return {
    host: parsed.host,
    database: parsed.database ?? platform,
    username: parsed.username ?? platform,
    passwordSecret: parsed.passwordSecret ?? `${platform}-db`,
  };
}

/** Fills the platforms' defaults and adds the Secrets they need to `secrets` (merged with declared ones). */
export function platformDefaults(
  cluster: { azure: { resourceGroup: string } },
  platforms: ParsedPlatforms,
  secrets: SecretRef[],
): { platforms: PlatformsSpec; secrets: SecretRef[] } {
  const resolved: PlatformsSpec = {};
  if (platforms.flyte !== undefined) {
    const flyte = platforms.flyte;
    const spec: FlyteSpec = {
      namespace: flyte.namespace ?? FLYTE_DEFAULTS.namespace,
      storage: { ...flyte.storage, resourceGroup: flyte.storage.resourceGroup ?? cluster.azure.resourceGroup },
      database: database(flyte.database, "flyte"),
      projects: [...(flyte.projects ?? FLYTE_DEFAULTS.projects)],
      domains: [...(flyte.domains ?? FLYTE_DEFAULTS.domains)],
      ...(flyte.gpuNodePool === undefined ? {} : { gpuNodePool: flyte.gpuNodePool }),
    };
    resolved.flyte = spec;
  }
  if (platforms.argoWorkflows !== undefined) {
    const argo = platforms.argoWorkflows;
    const namespace = argo.namespace ?? ARGO_WORKFLOWS_DEFAULTS.namespace;
    const spec: ArgoWorkflowsSpec = {
      namespace,
      storage: { ...argo.storage, resourceGroup: argo.storage.resourceGroup ?? cluster.azure.resourceGroup },
      database: database(argo.database, ARGO_WORKFLOWS_DEFAULTS.database),
      workflowNamespaces: [...(argo.workflowNamespaces ?? [namespace])],
    };
    resolved.argoWorkflows = spec;
  }
  if (platforms.metaflow !== undefined) {
    const metaflow = platforms.metaflow;
    const spec: MetaflowSpec = {
      namespace: metaflow.namespace ?? METAFLOW_DEFAULTS.namespace,
      storage: { ...metaflow.storage, resourceGroup: metaflow.storage.resourceGroup ?? cluster.azure.resourceGroup },
      sysrootPrefix: metaflow.sysrootPrefix ?? METAFLOW_DEFAULTS.sysrootPrefix,
      database: database(metaflow.database, "metaflow"),
    };
    resolved.metaflow = spec;
  }
  return { platforms: resolved, secrets: mergeSecrets(secrets, platformSecrets(resolved)) };
}

/** The SOPS-encrypted Secrets the platforms read, with the keys they need. */
export function platformSecrets(platforms: PlatformsSpec): SecretRef[] {
  const refs: SecretRef[] = [];
  if (platforms.flyte !== undefined) {
    refs.push({ namespace: platforms.flyte.namespace, name: platforms.flyte.database.passwordSecret, keys: [FLYTE_DB_PASSWORD_KEY] });
  }
  if (platforms.argoWorkflows !== undefined) {
    const argo = platforms.argoWorkflows;
    refs.push({ namespace: argo.namespace, name: argo.database.passwordSecret, keys: [ARGO_DB_SECRET_KEYS.password, ARGO_DB_SECRET_KEYS.username] });
  }
  if (platforms.metaflow !== undefined) {
    refs.push({ namespace: platforms.metaflow.namespace, name: platforms.metaflow.database.passwordSecret, keys: [METAFLOW_DB_PASSWORD_KEY] });
  }
  return refs;
}

function mergeSecrets(declared: SecretRef[], required: SecretRef[]): SecretRef[] {
  const merged = declared.map((secret) => ({ ...secret, keys: [...secret.keys] }));
  for (const ref of required) {
    const same = merged.find((secret) => secret.namespace === ref.namespace && secret.name === ref.name);
    if (same === undefined) merged.push(ref);
    else for (const key of ref.keys) if (!same.keys.includes(key)) same.keys.push(key);
  }
  return merged;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The namespaces synth renders for the platforms, from the raw (possibly invalid) spec: the single
 * place that knows each platform's namespace and its default (used by `renderedNamespaces` and
 * the raw cross-reference checks).
 */
export function platformNamespacesOf(rawPlatforms: unknown): string[] {
  if (!isObject(rawPlatforms)) return [];
  const names: string[] = [];
  if (isObject(rawPlatforms.flyte)) {
    const namespace = rawPlatforms.flyte.namespace;
    names.push(typeof namespace === "string" ? namespace : FLYTE_DEFAULTS.namespace);
  }
  if (isObject(rawPlatforms.argoWorkflows)) {
    const namespace = rawPlatforms.argoWorkflows.namespace;
    names.push(typeof namespace === "string" ? namespace : ARGO_WORKFLOWS_DEFAULTS.namespace);
  }
  if (isObject(rawPlatforms.metaflow)) {
    const namespace = rawPlatforms.metaflow.namespace;
    names.push(typeof namespace === "string" ? namespace : METAFLOW_DEFAULTS.namespace);
  }
  return names;
}

/**
 * Cross-references of `platforms` on the raw value: a platform reads an encrypted password, so
 * the cluster needs `sops` recipients; a platform namespace must not also be declared in `namespaces`.
 */
export function checkPlatformReferences(value: unknown, ctx: Ctx): void {
  if (!isObject(value) || !isObject(value.platforms)) return;
  const platforms = Object.entries(value.platforms).flatMap(([key, platform]) => (platform === undefined ? [] : [key]));
  if (platforms.length > 0 && value.sops === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["sops"],
      message: `required with platforms (${platforms.join(", ")}): their database passwords are SOPS-encrypted Secrets; add sops: { age: ["age1…"] } and/or { azureKeyVault: { vault, key } }`,
    });
  }
  const own = platformNamespacesOf(value.platforms);
  if (value.platforms.metaflow !== undefined && value.platforms.argoWorkflows === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["platforms", "metaflow"],
      message: "Metaflow runs its flows (and @schedule) on Argo Workflows: add platforms.argoWorkflows too",
    });
  }
  const flyte = value.platforms.flyte;
  if (isObject(flyte) && typeof flyte.gpuNodePool === "string") {
    const message = flyteGpuNodePoolProblem(flyte.gpuNodePool, value.nodePools);
    if (message !== undefined) ctx.addIssue({ code: "custom", path: ["platforms", "flyte", "gpuNodePool"], message });
  }
  const argo = value.platforms.argoWorkflows;
  if (isObject(argo) && Array.isArray(argo.workflowNamespaces)) {
    const declared = new Set(Array.isArray(value.namespaces) ? (value.namespaces as unknown[]).flatMap((entry) => (isObject(entry) && typeof entry.name === "string" ? [entry.name] : [])) : []);
    (argo.workflowNamespaces as unknown[]).forEach((namespace, i) => {
      if (typeof namespace !== "string" || own.includes(namespace) || declared.has(namespace)) return;
      ctx.addIssue({
        code: "custom",
        path: ["platforms", "argoWorkflows", "workflowNamespaces", i],
        message: `namespace ${JSON.stringify(namespace)} is not rendered by this cluster (the chart creates the workflow ServiceAccount in it but not the namespace); add { name: ${JSON.stringify(namespace)} } to namespaces`,
      });
    });
  }
  if (Array.isArray(value.namespaces)) {
    (value.namespaces as unknown[]).forEach((entry, i) => {
      if (isObject(entry) && typeof entry.name === "string" && own.includes(entry.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["namespaces", i, "name"],
          message: `namespace ${JSON.stringify(entry.name)} is rendered by a platform (platforms); remove it from namespaces or give the platform another namespace`,
        });
      }
    });
  }
}

/** Why `platforms.flyte.gpuNodePool` cannot be `name` given the raw `nodePools`, if it cannot. */
function flyteGpuNodePoolProblem(name: string, rawPools: unknown): string | undefined {
  const pools = Array.isArray(rawPools) ? (rawPools as unknown[]).filter(isObject) : [];
  const gpuPools = pools.flatMap((pool) => (pool.preset === "gpu" && typeof pool.name === "string" ? [JSON.stringify(pool.name)] : []));
  const fix = gpuPools.length === 0 ? `declare one in nodePools: { name: ${JSON.stringify(name)}, preset: "gpu" }` : `name a gpu pool (${gpuPools.join(", ")})`;
  const pool = pools.find((candidate) => candidate.name === name);
  if (pool === undefined) return `node pool ${JSON.stringify(name)} is not declared in nodePools; ${fix}`;
  if (pool.preset !== "gpu") {
    return `node pool ${JSON.stringify(name)} has preset ${JSON.stringify(pool.preset)}, not "gpu": Flyte's GPU tasks need a pool of GPU nodes; ${fix}`;
  }
  return undefined;
}
