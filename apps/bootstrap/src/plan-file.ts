/**
 * A saved plan (`plan --out <file>`), executed by `apply <file>`: the plan document as `plan
 * --json` prints it, the identity plan it was made from, and a digest of what Azure held when it
 * was read, per cluster. `apply <file>` applies that identity plan (not the fleet as it is now)
 * and refuses when Azure no longer holds what the digests say, like terraform's stale plan.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { IdentityPlan } from "@flotilla/workload-identity";
import { writeFileDurable } from "@flotilla/lock";
import type { ObservedCluster } from "./observe.js";
import { PLAN_FORMAT, type PlanDocument } from "./plan-view.js";

export interface SavedPlan extends PlanDocument {
  identityPlan: IdentityPlan;
  /** SHA-256 of what was read from Azure, by cluster. */
  observed: Record<string, string>;
}

export class PlanFileError extends Error {}

/** A canonical digest of everything read for one cluster (independent of read order). */
export function observationDigest(observed: ObservedCluster): string {
  const sortedEntries = <T>(map: Map<string, T>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const byName = <T extends { name: string }>(items: readonly T[]) => [...items].sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1));
  const canonical = {
    roleDefinitions: sortedEntries(observed.roleDefinitions),
    identities: sortedEntries(observed.identities).map(([key, o]) => [
      key,
      o.state !== "found"
        ? o
        : {
            ...o.value,
            tags: Object.fromEntries(Object.entries(o.value.tags).sort(([a], [b]) => (a < b ? -1 : 1))),
            fics: byName(o.value.fics),
            roleAssignments: byName(o.value.roleAssignments),
          },
    ]),
  };
  return createHash("sha256").update(JSON.stringify(canonical)).digest("hex");
}

export async function writePlanFile(path: string, saved: SavedPlan): Promise<void> {
  await writeFileDurable(path, `${JSON.stringify(saved, null, 2)}\n`);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Reads and checks a saved plan; a {@link PlanFileError} names the file and what is wrong. */
export async function readPlanFile(path: string): Promise<SavedPlan> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new PlanFileError(`cannot read the saved plan ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PlanFileError(`${path} is not JSON (${(error as Error).message}); make it with \`bootstrap plan --out ${path}\``);
  }
  const problem = (what: string) => new PlanFileError(`${path}: ${what}; make a new plan with \`bootstrap plan --out ${path}\``);
  if (!isObject(parsed)) throw problem("not a saved plan");
  if (parsed.format !== PLAN_FORMAT) throw problem(`format is ${JSON.stringify(parsed.format)}, this bootstrap reads ${JSON.stringify(PLAN_FORMAT)}`);
  if (parsed.online !== true) throw problem("an --offline plan shows the desired state only and cannot be applied");
  if (typeof parsed.prune !== "boolean") throw problem("field prune must be true or false");
  if (!Array.isArray(parsed.clusters)) throw problem("field clusters must be a list");
  const plan = parsed.identityPlan;
  if (!isObject(plan) || !Array.isArray(plan.clusters)) throw problem("field identityPlan.clusters must be a list");
  const observed = parsed.observed;
  if (!isObject(observed)) throw problem("field observed must map cluster names to digests");
  for (const [i, cluster] of plan.clusters.entries()) {
    if (!isObject(cluster) || typeof cluster.cluster !== "string" || !Array.isArray(cluster.identities) || !Array.isArray(cluster.roleDefinitions)) {
      throw problem(`identityPlan.clusters[${i}] is not a cluster's identity plan`);
    }
    if (typeof observed[cluster.cluster] !== "string") throw problem(`observed has no digest for cluster ${cluster.cluster}`);
  }
  return parsed as unknown as SavedPlan;
}
