import { importClusterModules, loadFleet, type FleetLocation, type FleetProblem, type LoadedCluster, type PlatformRegistry } from "@flotilla/fleet";
import { PLATFORMS } from "@flotilla/platforms";
import { type ClusterIdentityPlan, type IdentityOutputs, planIdentities } from "@flotilla/workload-identity";
import { type IdentityOutputsLocation, readIdentityOutputs } from "./identity-outputs.js";

/** The fleet as synth and validate read it: clusters, identity plan, identity outputs. */
export type FleetInputs =
  | { ok: false; problems: FleetProblem[] }
  | {
      ok: true;
      clusters: LoadedCluster[];
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
 */
export async function loadFleetInputs(fleet: FleetLocation, identityOutputs: IdentityOutputsLocation, platforms: PlatformRegistry = PLATFORMS): Promise<FleetInputs> {
  const imported = await importClusterModules(fleet);
  const loaded = loadFleet(imported.modules, platforms);
  const fleetProblems = [...imported.problems, ...(loaded.ok ? [] : loaded.problems)];
  if (!loaded.ok || fleetProblems.length > 0) return { ok: false, problems: fleetProblems };

  const fileOf = new Map(loaded.clusters.map((cluster) => [cluster.spec.name, cluster.file]));
  const identities = planIdentities(
    loaded.clusters.map((cluster) => cluster.spec),
    platforms,
  );
  if (identities.problems.length > 0) {
    return { ok: false, problems: identities.problems.map(({ cluster, path, message }) => ({ file: fileOf.get(cluster) ?? cluster, path, message })) };
  }
  const outputs = await readIdentityOutputs(identityOutputs, identities.plan.clusters);
  const plans = new Map(identities.plan.clusters.map((plan) => [plan.cluster, plan]));
  return { ok: true, clusters: loaded.clusters, plans, outputs: outputs.outputs, problems: outputs.problems };
}
