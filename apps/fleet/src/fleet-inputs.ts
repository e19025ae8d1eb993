import { importClusterModules, loadFleet, selectClusters, type FleetLocation, type FleetProblem, type LoadedCluster, type PlatformRegistry } from "@flotilla/fleet";
import { PLATFORMS } from "@flotilla/platforms";
import { type ClusterIdentityPlan, type IdentityOutputs, planIdentities } from "@flotilla/workload-identity";
import { UsageError } from "./cli/usage-error.js";
import { type IdentityOutputsLocation, readIdentityOutputs } from "./identity-outputs.js";

/** The fleet as synth and validate read it: clusters, identity plan, identity outputs. */
export type FleetInputs =
  | { ok: false; problems: FleetProblem[] }
  | {
      ok: true;
      /** The selected clusters, sorted by name. */
      clusters: LoadedCluster[];
      /** Every cluster of the fleet (more than `clusters` with a selection). */
      fleet: LoadedCluster[];
      /** One plan per cluster, by name. */
      plans: Map<string, ClusterIdentityPlan>;
      /** By cluster; a cluster whose outputs have problems has no entry. */
      outputs: Map<string, IdentityOutputs>;
      /** Problems with identity outputs files (missing, stale, unreadable). */
      problems: FleetProblem[];
    };

/**
 * Imports and validates the cluster modules, derives the identity plan (the single source of both
 * the Azure side and the ServiceAccounts) and reads the identity outputs. Fleet and plan problems
 * stop it before any outputs file is read. `platforms` is the registry (default: flotilla's).
 *
 * Every cluster file is loaded and checked (names, git paths and issuers are unique across the
 * fleet); the plan and outputs are those of the `selected` clusters (`--cluster`; all when empty).
 * A name the fleet does not have throws a UsageError listing the fleet's clusters.
 */
export async function loadFleetInputs(
  fleet: FleetLocation,
  identityOutputs: IdentityOutputsLocation,
  platforms: PlatformRegistry = PLATFORMS,
  selected: readonly string[] = [],
): Promise<FleetInputs> {
  const imported = await importClusterModules(fleet);
  const loaded = loadFleet(imported.modules, platforms);
  const fleetProblems = [...imported.problems, ...(loaded.ok ? [] : loaded.problems)];
  if (!loaded.ok || fleetProblems.length > 0) return { ok: false, problems: fleetProblems };
  const selection = selectClusters(loaded.clusters.map((cluster) => cluster.spec.name), selected);
  if (!selection.ok) throw new UsageError(selection.message);
  const clusters = loaded.clusters.filter((cluster) => selection.names.includes(cluster.spec.name));

  const fileOf = new Map(clusters.map((cluster) => [cluster.spec.name, cluster.file]));
  const identities = planIdentities(
    clusters.map((cluster) => cluster.spec),
    platforms,
  );
  if (identities.problems.length > 0) {
    return { ok: false, problems: identities.problems.map(({ cluster, path, message }) => ({ file: fileOf.get(cluster) ?? cluster, path, message })) };
  }
  const outputs = await readIdentityOutputs(identityOutputs, identities.plan.clusters);
  const plans = new Map(identities.plan.clusters.map((plan) => [plan.cluster, plan]));
  return { ok: true, clusters, fleet: loaded.clusters, plans, outputs: outputs.outputs, problems: outputs.problems };
}
