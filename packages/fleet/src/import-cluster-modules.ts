import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { ClusterModule } from "./load-fleet.js";
import type { FleetProblem } from "./problems.js";

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

/**
 * Imports every cluster module of a fleet directory (I/O happens here, when called); a module
 * that throws while being imported becomes a problem, not a crash, so loadFleet can still report
 * every other file's problems in the same run.
 */
export async function importClusterModules(location: FleetLocation): Promise<ImportedFleet> {
  const files = (await readdir(location.modulesDir)).filter((name) => /\.m?js$/.test(name)).sort();
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
