import {
  checkDnsLabel,
  checkedString,
  checkNamespaceName,
  list,
  type PlatformCheckContext,
  platformDatabase,
  type PlatformDatabase,
  type PlatformDatabaseInput,
  platformDatabaseSchema,
  platformStorage,
  type PlatformStorage,
  type PlatformStorageInput,
  platformStorageSchema,
  type PlatformSecretRef,
  type SchemaInputIs,
  type SchemaOutput,
  strictObject,
} from "@flotilla/fleet/platform";

/** Flyte (flyte-core 1.16): control plane in `namespace`, task pods in `<project>-<domain>` namespaces. */
export interface FlyteSpecInput {
  /**
   * Namespace of the Flyte control plane (flyteadmin, flytepropeller, datacatalog, flytescheduler).
   * @default "flyte"
   */
  namespace?: string | undefined;
  /** Metadata and raw task outputs (`abfs://<container>/propeller`). */
  storage: PlatformStorageInput;
  /** One database for flyteadmin and datacatalog; the password Secret has the key `pass.txt`. */
  database: PlatformDatabaseInput;
  /**
   * Flyte projects created at install; with `domains` they give the task namespaces `<project>-<domain>`,
   * each federated with the task identity (at most 20 in all: Azure's limit per identity).
   * @default ["flytesnacks"]
   */
  projects?: string[] | undefined;
  /**
   * Flyte domains.
   * @default ["development", "staging", "production"]
   */
  domains?: string[] | undefined;
  /**
   * A pool of `nodePools` with preset `gpu` for Flyte's GPU tasks: flytepropeller's k8s plugin
   * (`resource-tolerations`) gives every task pod requesting `nvidia.com/gpu` that pool's
   * tolerations (from `podSchedulingFor`), so GPU tasks schedule onto its tainted nodes.
   * @default - none: GPU task pods get no toleration and stay off tainted GPU nodes
   */
  gpuNodePool?: string | undefined;
}

/** Validated {@link FlyteSpecInput}, defaults filled. */
export interface FlyteSpec {
  namespace: string;
  storage: PlatformStorage;
  database: PlatformDatabase;
  projects: string[];
  domains: string[];
  /** The name of a gpu-preset pool of `nodePools`, when GPU tasks go there. */
  gpuNodePool?: string | undefined;
}

declare module "@flotilla/fleet/platform" {
  interface PlatformsSpecInput {
    /** Flyte, see {@link FlyteSpecInput}. @default - not installed */
    flyte?: FlyteSpecInput | undefined;
  }
  interface PlatformsSpec {
    flyte?: FlyteSpec | undefined;
  }
}

/** The key of the Flyte database password in its Secret: the chart mounts it at /etc/db/pass.txt. */
export const FLYTE_DB_PASSWORD_KEY = "pass.txt";

/** Defaults of the Flyte platform (see `FlyteSpecInput`). */
export const FLYTE_DEFAULTS = {
  namespace: "flyte",
  projects: ["flytesnacks"],
  domains: ["development", "staging", "production"],
} as const;

const nameLabel = (what: string) => checkedString(what, (value) => checkDnsLabel(value, { maxLength: 30, startWithLetter: true }));

/** The schema of `platforms.flyte`. */
export const flyteSpecSchema = strictObject("the Flyte platform: { storage, database, namespace?, projects?, domains?, gpuNodePool? }", {
  namespace: checkedString("the Flyte control plane namespace", checkNamespaceName).optional(),
  storage: platformStorageSchema,
  database: platformDatabaseSchema,
  projects: list("the Flyte projects", nameLabel("a Flyte project, e.g. \"flytesnacks\"")).min(1, "list at least one project").optional(),
  domains: list("the Flyte domains", nameLabel("a Flyte domain, e.g. \"development\"")).min(1, "list at least one domain").optional(),
  // Checked against nodePools in checkFlyteSpec.
  gpuNodePool: checkedString("the name of a gpu-preset pool of nodePools, e.g. \"gpu\"", () => undefined).optional(),
});

/** `platforms.flyte` with its defaults filled. */
export function flyteDefaults(flyte: SchemaOutput<typeof flyteSpecSchema>, cluster: { readonly azure: { readonly resourceGroup: string } }): FlyteSpec {
  return {
    namespace: flyte.namespace ?? FLYTE_DEFAULTS.namespace,
    storage: platformStorage(flyte.storage, cluster),
    database: platformDatabase(flyte.database, "flyte"),
    projects: [...(flyte.projects ?? FLYTE_DEFAULTS.projects)],
    domains: [...(flyte.domains ?? FLYTE_DEFAULTS.domains)],
    ...(flyte.gpuNodePool === undefined ? {} : { gpuNodePool: flyte.gpuNodePool }),
  };
}

/** The SOPS-encrypted Secret Flyte reads: the database password (key `pass.txt`). */
export function flyteSecrets(flyte: FlyteSpec): PlatformSecretRef[] {
  return [{ namespace: flyte.namespace, name: flyte.database.passwordSecret, keys: [FLYTE_DB_PASSWORD_KEY], field: "database" }];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `gpuNodePool` names a pool of `nodePools` with preset `gpu`, and the task namespaces are distinct (on the raw value). */
export function checkFlyteSpec(raw: Readonly<Record<string, unknown>>, context: PlatformCheckContext): void {
  checkTaskNamespaces(raw, context);
  if (typeof raw.gpuNodePool !== "string") return;
  const message = gpuNodePoolProblem(raw.gpuNodePool, context.cluster.nodePools);
  if (message !== undefined) context.report(["gpuNodePool"], message);
}

/**
 * Each project and domain listed once, and no two of them joining to one task namespace
 * `<project>-<domain>` ("a-b" with "c" and "a" with "b-c"): Flyte would run both in one namespace,
 * and its ServiceAccount would be federated twice.
 */
function checkTaskNamespaces(raw: Readonly<Record<string, unknown>>, context: PlatformCheckContext): void {
  const names = (field: "projects" | "domains"): string[] | undefined => {
    const value = raw[field] ?? FLYTE_DEFAULTS[field];
    return Array.isArray(value) && value.every((entry) => typeof entry === "string") ? (value as string[]) : undefined;
  };
  const [projects, domains] = [names("projects"), names("domains")];
  for (const [field, list] of [["projects", projects], ["domains", domains]] as const) {
    list?.forEach((entry, index) => {
      const first = list.indexOf(entry);
      if (first < index) context.report([field, index], `repeats ${JSON.stringify(entry)} (also ${field}[${first}]): list each ${field === "projects" ? "project" : "domain"} once`);
    });
  }
  if (projects === undefined || domains === undefined) return;
  const pairs = new Map<string, string>();
  for (const project of new Set(projects)) {
    for (const domain of new Set(domains)) {
      const namespace = `${project}-${domain}`;
      const pair = `project ${JSON.stringify(project)} with domain ${JSON.stringify(domain)}`;
      const other = pairs.get(namespace);
      if (other === undefined) pairs.set(namespace, pair);
      else context.report(["projects"], `${other} and ${pair} both give the task namespace ${namespace}: rename a project or a domain so that each <project>-<domain> is distinct`);
    }
  }
}

/** Why `platforms.flyte.gpuNodePool` cannot be `name` given the raw `nodePools`, if it cannot. */
function gpuNodePoolProblem(name: string, rawPools: unknown): string | undefined {
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

/** Compile-time proof that the documented input interface is exactly the schema's input. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
const inputMatchesSchema: SchemaInputIs<typeof flyteSpecSchema, FlyteSpecInput> = true;
