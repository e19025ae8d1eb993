import { existsSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdk8s";
import { ClusterChart, clusterDocuments } from "@flotilla/cluster";
import { importClusterModules, loadFleet, type FleetLocation, type FleetProblem, type LoadedCluster } from "@flotilla/fleet";
import { readFluxCrds } from "@flotilla/flux";
import {
  compareTree,
  createValidator,
  planTree,
  readTree,
  writeTree,
  type ClusterDocuments,
  type RenderProblem,
  type TreeChanges,
} from "@flotilla/render";
import { type ClusterIdentityPlan, type IdentityOutputs, planIdentities } from "@flotilla/workload-identity";
import { type IdentityOutputsLocation, readIdentityOutputs } from "./identity-outputs.js";


export interface SynthOptions {
  fleet: FleetLocation;
  /** Where the identity outputs files (`<cluster>.json`) are read from. */
  identityOutputs: IdentityOutputsLocation;
  /** The clusters/ directory. */
  outDir: string;
  /** Compare with the tree on disk instead of writing it. */
  check: boolean;
}

export type SynthOutcome =
  | { kind: "invalid-fleet"; problems: FleetProblem[] }
  | { kind: "invalid-output"; problems: RenderProblem[] }
  | { kind: "checked" | "written"; changes: TreeChanges; clusters: string[] };

/**
 * Loads the fleet, plans its identities, reads their outputs, renders every cluster, validates
 * the result and writes (or checks) the tree. Any problem before writing leaves the tree as it was.
 */
export async function synth(options: SynthOptions): Promise<SynthOutcome> {
  const imported = await importClusterModules(options.fleet);
  const fleet = loadFleet(imported.modules);
  const fleetProblems = [...imported.problems, ...(fleet.ok ? [] : fleet.problems)];
  if (!fleet.ok || fleetProblems.length > 0) return { kind: "invalid-fleet", problems: fleetProblems };

  // The identity plan is the single source of both sides: bootstrap creates its credentials,
  // synth renders its ServiceAccounts.
  const fileOf = new Map(fleet.clusters.map((cluster) => [cluster.spec.name, cluster.file]));
  const identities = planIdentities(fleet.clusters.map((cluster) => cluster.spec));
  if (identities.problems.length > 0) {
    const problems = identities.problems.map(({ cluster, path, message }) => ({ file: fileOf.get(cluster) ?? cluster, path, message }));
    return { kind: "invalid-fleet", problems };
  }
  const outputs = await readIdentityOutputs(options.identityOutputs, identities.plan.clusters);
  if (outputs.problems.length > 0) return { kind: "invalid-fleet", problems: outputs.problems };
  const plans = new Map(identities.plan.clusters.map((plan) => [plan.cluster, plan]));

  const rendered = renderClusters(fleet.clusters, options.outDir, (cluster) => ({
    plan: plans.get(cluster)!,
    outputs: outputs.outputs.get(cluster)!,
  }));
  if (rendered.problems.length > 0) return { kind: "invalid-fleet", problems: rendered.problems };

  const validator = createValidator({ crds: await readFluxCrds() });
  const plan = planTree(rendered.clusters, validator);
  if (plan.problems.length > 0) return { kind: "invalid-output", problems: plan.problems };

  const clusters = fleet.clusters.map((cluster) => cluster.spec.name);
  if (options.check) {
    return { kind: "checked", changes: compareTree(plan.files, await readTree(options.outDir)), clusters };
  }
  return { kind: "written", changes: await writeTree(options.outDir, plan.files), clusters };
}

function renderClusters(
  loaded: LoadedCluster[],
  outDir: string,
  identitiesOf: (cluster: string) => { plan: ClusterIdentityPlan; outputs: IdentityOutputs },
): { clusters: ClusterDocuments[]; problems: FleetProblem[] } {
  const app = new App();
  const clusters: ClusterDocuments[] = [];
  const problems: FleetProblem[] = [];
  for (const { file, spec } of loaded) {
    try {
      const chart = new ClusterChart(app, spec, { identities: identitiesOf(spec.name) });
      clusters.push({
        cluster: spec.name,
        source: file,
        ...clusterDocuments(chart),
        extraResources: { "": fluxSystemEntry(outDir, spec.name, spec.flux.bootstrap) },
      });
    } catch (error) {
      problems.push({ file, path: "", message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { clusters, problems };
}

/**
 * `flux bootstrap --path=clusters/<name>` commits Flux's own manifests to `flux-system/` and points
 * its root Kustomization at the cluster directory, so the root kustomization.yaml must list that
 * directory once it exists, or Flux would stop managing (and prune) itself.
 */
function fluxSystemEntry(outDir: string, cluster: string, bootstrap: string): string[] {
  const bootstrapped = existsSync(join(outDir, cluster, "flux-system", "kustomization.yaml"));
  return bootstrap === "flux-cli" && bootstrapped ? ["flux-system"] : [];
}
