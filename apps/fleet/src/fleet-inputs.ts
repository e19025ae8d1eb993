import { importClusterModules, loadFleet, selectClusters, splitClusterFile, type FleetLocation, type FleetProblem, type LoadedCluster, type PlatformRegistry } from "@flotilla/fleet";
import { PLATFORMS } from "@flotilla/platforms";
import { type ClusterIdentityPlan, type IdentityOutputs, identitySettings, planClusterIdentities } from "@flotilla/workload-identity";
import { COMMAND_HINTS } from "./cli/command-hints.js";
import { UsageError } from "./cli/usage-error.js";
import { type IdentitySettingOf, type IdentityOutputsLocation, readIdentityOutputs } from "./identity-outputs.js";

/**
 * The fleet as synth and validate read it: clusters, identity plan, identity outputs, and every
 * problem of each. A cluster with a problem at one step is left out of the steps that need what
 * that step gives (a cluster file that does not load has no plan; a plan with problems has no
 * outputs), so the others are still checked and one run reports every problem.
 */
export interface FleetInputs {
  /** Whether every cluster file loaded: `fleet` is the whole fleet. */
  complete: boolean;
  /** The selected clusters (`--cluster`; all by default) whose files loaded, sorted by name. */
  clusters: LoadedCluster[];
  /** Every cluster whose file loaded (more than `clusters` with a selection). */
  fleet: LoadedCluster[];
  /** The names of the clusters whose files did not load (from the file's `name` and the file name). */
  rejected: string[];
  /** One plan per cluster of `clusters` whose identities have no problem, by name. */
  plans: Map<string, ClusterIdentityPlan>;
  /** By cluster of `plans`; a cluster whose outputs have problems has no entry. */
  outputs: Map<string, IdentityOutputs>;
  /** By cluster of `outputs`, the planned identities bootstrap apply has not created yet (no outputs entry): not problems. */
  pending: Map<string, string[]>;
  /** Every problem: cluster files (all of them), identity plans and outputs files (stale, foreign, unreadable) of `clusters`. */
  problems: FleetProblem[];
  /** The cluster file and setting that make a cluster's plan hold an identity (see identitySettings). */
  identitySettingOf: IdentitySettingOf;
}

/**
 * Imports and validates the cluster modules, derives each selected cluster's identity plan (the
 * single source of both the Azure side and the ServiceAccounts) and reads the identity outputs of
 * the planned clusters (a problem with one identity's outputs names the setting that caused the
 * identity). `platforms` is the registry (default: flotilla's).
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
  const loaded = loadFleet(imported.modules, platforms, COMMAND_HINTS);
  const problems = [...imported.problems, ...(loaded.ok ? [] : loaded.problems)];
  const rejected = [...new Set([...(loaded.ok ? [] : loaded.rejected), ...imported.problems.map((problem) => splitClusterFile(problem.file).stem)])].sort();
  const selection = selectClusters([...new Set([...loaded.clusters.map((cluster) => cluster.spec.name), ...rejected])], selected);
  if (!selection.ok) throw new UsageError(selection.message);
  const clusters = loaded.clusters.filter((cluster) => selection.names.includes(cluster.spec.name));

  const plans = new Map<string, ClusterIdentityPlan>();
  for (const { file, spec } of clusters) {
    const planned = planClusterIdentities(spec, platforms);
    if (planned.problems.length === 0) plans.set(spec.name, planned.plan);
    else problems.push(...planned.problems.map(({ path, message }) => ({ file, path, message })));
  }
  const settings = new Map(clusters.map(({ file, spec }) => [spec.name, { file, settings: identitySettings(spec, platforms) }]));
  const identitySettingOf: IdentitySettingOf = (cluster, identity) => {
    const of = settings.get(cluster);
    const setting = of?.settings.get(identity);
    return of === undefined || setting === undefined ? undefined : { file: of.file, setting };
  };
  const outputs = await readIdentityOutputs(identityOutputs, [...plans.values()], identitySettingOf);
  problems.push(...outputs.problems);
  return { complete: loaded.ok && imported.problems.length === 0, clusters, fleet: loaded.clusters, rejected, plans, outputs: outputs.outputs, pending: outputs.pending, problems, identitySettingOf };
}
