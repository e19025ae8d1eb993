import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import type { ClusterModule, FleetProblem } from "@flotilla/fleet";

export interface FleetLocation {
  /** Directory holding one module per cluster (compiled `.js`, or plain `.mjs`/`.js` in tests). */
  modulesDir: string;
  /** How a module's path is shown to people, e.g. the `.ts` source it was compiled from. */
  displayName: (file: string) => string;
}

export interface ImportedFleet {
  modules: ClusterModule[];
  /** Modules that threw while being imported. */
  problems: FleetProblem[];
}

/** Imports every cluster module of the fleet; a module that fails to import becomes a problem, not a crash. */
export async function loadClusterModules(location: FleetLocation): Promise<ImportedFleet> {
  const files = (await readdir(location.modulesDir))
    .filter((name) => /\.(m?js)$/.test(name))
    .sort();
  const imported: ImportedFleet = { modules: [], problems: [] };
  for (const name of files) {
    const path = join(location.modulesDir, name);
    const file = location.displayName(path);
    try {
      const module = (await import(pathToFileURL(path).href)) as { default?: unknown };
      imported.modules.push({ file, exported: module.default });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      imported.problems.push({ file, path: "", message: `could not be imported: ${message}` });
    }
  }
  return imported;
}

/** The shipped example fleet: `src/clusters/*.ts`, compiled to `dist/clusters/*.js`. */
export function exampleFleet(repoRoot: string, distDir: string): FleetLocation {
  const modulesDir = join(distDir, "clusters");
  return {
    modulesDir,
    displayName: (file) =>
      relative(repoRoot, file).replace(/(^|\/)dist\/clusters\//, "$1src/clusters/").replace(/\.js$/, ".ts"),
  };
}
