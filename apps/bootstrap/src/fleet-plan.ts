/**
 * The identity plan of the fleet: import the cluster modules, validate them (loadFleet), derive
 * the plan (planIdentities), keep the selected clusters.
 *
 * DUPLICATION (flagged): `importClusterModules` repeats apps/fleet/src/load-cluster-modules.ts
 * (readdir + dynamic import, a failed import becomes a problem). Importing apps/fleet's compiled
 * file across apps would tie this build to another app's dist/ layout; the loader belongs in
 * @flotilla/fleet, where both apps can share it.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type ClusterModule, type FleetProblem, formatFleetProblems, loadFleet } from "@flotilla/fleet";
import { type IdentityPlan, planIdentities } from "@flotilla/workload-identity";

export interface FleetSource {
  /** Directory of compiled cluster modules (`apps/fleet/dist/clusters`, or `.mjs` files in tests). */
  modulesDir: string;
  /** How a module file is named in messages (e.g. the `.ts` source it was compiled from). */
  displayName: (file: string) => string;
}

export type FleetPlanResult = { ok: true; plan: IdentityPlan; clusters: string[] } | { ok: false; message: string; usage?: boolean };

async function importClusterModules(source: FleetSource): Promise<{ modules: ClusterModule[]; problems: FleetProblem[] }> {
  const files = (await readdir(source.modulesDir)).filter((name) => /\.m?js$/.test(name)).sort();
  const modules: ClusterModule[] = [];
  const problems: FleetProblem[] = [];
  for (const name of files) {
    const path = join(source.modulesDir, name);
    const file = source.displayName(path);
    try {
      const module = (await import(pathToFileURL(path).href)) as { default?: unknown };
      modules.push({ file, exported: module.default });
    } catch (error) {
      problems.push({ file, path: "", message: `could not be imported: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return { modules, problems };
}

/** Loads the fleet and plans the selected clusters (all when `selected` is empty). */
export async function loadFleetPlan(source: FleetSource, selected: readonly string[]): Promise<FleetPlanResult> {
  let imported;
  try {
    imported = await importClusterModules(source);
  } catch (error) {
    return { ok: false, message: `cannot read the fleet in ${source.modulesDir}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const fleet = loadFleet(imported.modules);
  const fleetProblems = [...imported.problems, ...(fleet.ok ? [] : fleet.problems)];
  if (fleetProblems.length > 0 || !fleet.ok) return { ok: false, message: formatFleetProblems(fleetProblems) };

  const known = fleet.clusters.map((c) => c.spec.name);
  const unknown = selected.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    return { ok: false, usage: true, message: `unknown cluster(s) ${unknown.join(", ")}; the fleet has: ${known.join(", ") || "(no clusters)"}` };
  }
  const wanted = selected.length > 0 ? new Set(selected) : new Set(known);
  const { plan, problems } = planIdentities(fleet.clusters.filter((c) => wanted.has(c.spec.name)).map((c) => c.spec));
  if (problems.length > 0) {
    const fileOf = new Map(fleet.clusters.map((c) => [c.spec.name, c.file]));
    const lines = problems.map((p) => `${fileOf.get(p.cluster) ?? p.cluster}: ${p.path}: ${p.message}`);
    return { ok: false, message: `${lines.join("\n")}\n${problems.length} problem(s) in the identity plan` };
  }
  return { ok: true, plan, clusters: [...wanted].sort() };
}
