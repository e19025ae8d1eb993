import { dirname, extname, join } from "node:path";
import type { FleetLocation, FleetProblem } from "@flotilla/fleet";
import { identityOutputsFile, type IdentityOutputsLocation } from "./identity-outputs.js";

interface Inputs {
  fleet: FleetLocation;
  identityOutputs: IdentityOutputsLocation;
  secrets: { dir: string; displayName: (file: string) => string };
  images: { dir: string; displayName: (file: string) => string };
}

const CLUSTER_FILE = new Set([".ts", ".mts", ".js", ".mjs"]);

/**
 * Of the clusters that rendered (name and cluster file as problems show it), those whose tree no
 * problem of `problems` is about. A problem is about a cluster when it names its cluster file, its
 * identity outputs file, or a file of its secrets or image tags; one about the file of a cluster
 * that did not render concerns no tree here. A problem about no one cluster (a fleet-wide setting,
 * a stray file) may change any cluster's tree: then there are none.
 */
export function clustersWithoutProblems(problems: readonly FleetProblem[], rendered: readonly { name: string; source: string }[], inputs: Inputs): string[] {
  const about = new Set<string>();
  const fleetDir = inputs.fleet.displayName(inputs.fleet.modulesDir);
  for (const problem of problems) {
    const cluster = rendered.find(({ name, source }) => {
      const under = (location: Inputs["secrets"]) => problem.file.startsWith(`${location.displayName(join(location.dir, name))}/`);
      return problem.file === source || problem.file === inputs.identityOutputs.displayName(identityOutputsFile(inputs.identityOutputs, name)) || under(inputs.secrets) || under(inputs.images);
    });
    if (cluster !== undefined) about.add(cluster.name);
    else if (dirname(problem.file) !== fleetDir || !CLUSTER_FILE.has(extname(problem.file))) return [];
  }
  return rendered.map(({ name }) => name).filter((name) => !about.has(name));
}
