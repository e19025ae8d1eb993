import { splitClusterFile } from "./cluster-file.js";
import { type CommandHints, COMMAND_NAMES } from "./command-hints.js";
import { describeValue } from "./describe-value.js";
import { fleetProblems } from "./fleet-checks.js";
import { clusterIdentity, type ClusterIdentity } from "./identity.js";
import { type FleetProblem, issuesToProblems, sortProblems } from "./problems.js";
import { NO_PLATFORMS, type PlatformRegistry } from "./platform/platform.js";
import { clusterSpecSchemaFor } from "./schema.js";
import type { ClusterSpec } from "./types.js";

/** A cluster file after import: its path (for messages) and its default export. */
export interface ClusterModule {
  /** Path of the source file as users should see it, e.g. `"fleet/clusters/dev.ts"`. */
  file: string;
  /** The module's default export (`undefined` when it has none). */
  exported: unknown;
}

/** A validated cluster and the file it came from. */
export interface LoadedCluster {
  /** Path of the source file. */
  file: string;
  /** The validated spec, defaults filled. */
  spec: ClusterSpec;
}

/**
 * The result of {@link loadFleet}: every cluster sorted by name, or every problem sorted by file
 * and path with the clusters whose files have none (so that a program can go on checking them and
 * report the problems of every stage in one run).
 */
export type FleetResult =
  | { ok: true; clusters: LoadedCluster[] }
  | {
      ok: false;
      problems: FleetProblem[];
      /** The clusters whose files have no problem, sorted by name. */
      clusters: LoadedCluster[];
      /** The names the files with problems give (when they give a valid one): clusters of the fleet that are not in `clusters`. */
      rejected: string[];
    };

const FIX = "export default defineCluster({ ... })";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses, or `undefined` if reading the value threw (throwing getters, revoked proxies). */
function safeParse(schema: ReturnType<typeof clusterSpecSchemaFor>, exported: unknown): ReturnType<typeof schema.safeParse> | undefined {
  try {
    return schema.safeParse(exported);
  } catch {
    return undefined;
  }
}

/**
 * Validates every cluster module and the fleet as a whole, collecting all problems of all files
 * (it never stops at the first). Pure: no I/O, never throws for bad input.
 *
 * Checks: each default export is a ClusterSpec running the registered `platforms` (see
 * `clusterSpecSchemaFor`; none by default); `clusters/<name>.ts` defines cluster `<name>`; cluster names, git paths and OIDC issuer URLs are unique across the
 * fleet, and git paths do not contain one another. An empty list of modules is an empty fleet.
 * Fixes name commands as `commands` spells them (the CLI's; default their flotilla names).
 */
export function loadFleet(modules: ClusterModule[], platforms: PlatformRegistry = NO_PLATFORMS, commands: Pick<CommandHints, "secretSet"> = COMMAND_NAMES): FleetResult {
  const schema = clusterSpecSchemaFor(platforms);
  const problems: FleetProblem[] = [];
  const clusters: LoadedCluster[] = [];
  const identities: ClusterIdentity[] = [];
  const seenFiles = new Set<string>();

  for (const { file, exported } of modules) {
    if (seenFiles.has(file)) {
      problems.push({ file, path: "", message: "this file was loaded more than once; load each cluster file once" });
      continue;
    }
    seenFiles.add(file);
    if (!isPlainObject(exported)) {
      const got = exported === undefined ? "no default export" : `a default export of ${describeValue(exported)}`;
      problems.push({ file, path: "", message: `expected a cluster definition, got ${got}; write: ${FIX}` });
      continue;
    }
    const result = safeParse(schema, exported);
    if (result === undefined) {
      problems.push({ file, path: "", message: `the default export could not be read (a getter threw?); write a plain object: ${FIX}` });
      continue;
    }
    if (result.success) clusters.push({ file, spec: result.data });
    else problems.push(...issuesToProblems(file, result.error.issues, schema, commands));
    identities.push(clusterIdentity(file, result.success ? result.data : undefined, exported));
  }

  problems.push(...fleetProblems(identities));
  clusters.sort((a, b) => (a.spec.name < b.spec.name ? -1 : a.spec.name > b.spec.name ? 1 : 0));
  if (problems.length === 0) return { ok: true, clusters };
  const failed = new Set(problems.map((problem) => problem.file));
  // A file's name is its cluster's (another problem when it is not): either may be what other inputs are kept under.
  const rejected = identities.filter((identity) => failed.has(identity.file)).flatMap((identity) => [identity.name ?? [], splitClusterFile(identity.file).stem].flat());
  return { ok: false, problems: sortProblems(problems), clusters: clusters.filter((cluster) => !failed.has(cluster.file)), rejected: [...new Set(rejected)].sort() };
}
