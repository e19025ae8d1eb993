/** The identity plan of the fleet: import the cluster modules, validate them (loadFleet), derive
 * the plan (planIdentities), keep the selected clusters. */
import { type CommandHints, type FleetLocation, formatFleetProblems, importClusterModules, loadFleet, selectClusters } from "@flotilla/fleet";
import { PLATFORMS } from "@flotilla/platforms";
import { type IdentityPlan, planIdentities } from "@flotilla/workload-identity";

export type FleetSource = FleetLocation;

export type FleetPlanResult = { ok: true; plan: IdentityPlan; clusters: string[] } | { ok: false; message: string; usage?: boolean };

/** Loads the fleet and plans the selected clusters (all when `selected` is empty). */
export async function loadFleetPlan(source: FleetSource, selected: readonly string[], commands: CommandHints): Promise<FleetPlanResult> {
  let imported;
  try {
    imported = await importClusterModules(source);
  } catch (error) {
    return { ok: false, message: `cannot read the fleet in ${source.modulesDir}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const fleet = loadFleet(imported.modules, PLATFORMS, commands);
  const fleetProblems = [...imported.problems, ...(fleet.ok ? [] : fleet.problems)];
  if (fleetProblems.length > 0 || !fleet.ok) return { ok: false, message: formatFleetProblems(fleetProblems) };

  const selection = selectClusters(fleet.clusters.map((c) => c.spec.name), selected);
  if (!selection.ok) return { ok: false, usage: true, message: selection.message };
  const wanted = new Set(selection.names);
  const specs = fleet.clusters.filter((c) => wanted.has(c.spec.name)).map((c) => c.spec);
  const { plan, problems } = planIdentities(specs, PLATFORMS);
  if (problems.length > 0) {
    const fileOf = new Map(fleet.clusters.map((c) => [c.spec.name, c.file]));
    const lines = problems.map((p) => `${fileOf.get(p.cluster) ?? p.cluster}: ${p.path}: ${p.message}`);
    return { ok: false, message: `${lines.join("\n")}\n${problems.length} problem(s) in the identity plan` };
  }
  return { ok: true, plan, clusters: selection.names };
}
