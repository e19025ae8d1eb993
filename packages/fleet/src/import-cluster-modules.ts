import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { bundleClusterFile } from "./cluster-file-bundle.js";
import { type ImportResult, importInWorkers } from "./cluster-file-worker.js";
import type { ClusterModule } from "./load-fleet.js";
import type { FleetProblem } from "./problems.js";

/** Where a fleet's cluster files are and how they are shown. */
export interface FleetLocation {
  /**
   * Directory holding one file per cluster: TypeScript (`.ts`, `.mts`, read as it is, no build
   * step) or JavaScript (`.js`, `.mjs`). Declaration files (`.d.ts`) are ignored.
   */
  modulesDir: string;
  /** How a file's path is shown to people, e.g. relative to the repository root. */
  displayName: (file: string) => string;
  /**
   * How long importing one cluster file may take, in milliseconds: a file that hangs (a
   * top-level await that never settles, an endless loop) is reported, naming the file.
   * @default 10000
   */
  importTimeoutMs?: number;
  /**
   * A directory whose node_modules resolve the packages a cluster file imports when its own
   * directory cannot (a fleet kept outside the repository importing `@flotilla/fleet/define`).
   * @default - only the file's own directory
   */
  packagesFrom?: string;
}

export interface ImportedFleet {
  modules: ClusterModule[];
  /** Files that could not be compiled or imported, hung, left timers running or ended the process. */
  problems: FleetProblem[];
}

const CLUSTER_FILE = /^(?!.*\.d\.m?ts$).*\.(m?ts|m?js)$/;
export const DEFAULT_IMPORT_TIMEOUT_MS = 10_000;

/** The cluster files of a fleet directory, sorted (an empty list when it holds none). */
export async function clusterFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && CLUSTER_FILE.test(entry.name)).map((entry) => entry.name).sort();
}

/**
 * Imports every cluster file of a fleet directory as it is on disk (I/O happens here, when
 * called): each file is bundled with esbuild (its relative imports included, packages left to
 * Node), then imported in a worker thread with a time bound, so a file that throws, hangs, starts
 * a timer or calls `process.exit` becomes a problem naming it, never a crash or a hang, and
 * loadFleet can still report every other file's problems in the same run. Default exports cross
 * to this thread as structured clones: plain data, as a cluster definition is.
 */
export async function importClusterModules(location: FleetLocation): Promise<ImportedFleet> {
  const names = await clusterFiles(location.modulesDir);
  const paths = names.map((name) => join(location.modulesDir, name));
  const imported: ImportedFleet = { modules: [], problems: [] };
  const toImport: { index: number; code: string }[] = [];
  const compiled = Promise.all(paths.map((path) => bundleClusterFile(path, location.packagesFrom))).then((bundled) => {
    bundled.forEach((result, index) => {
      if ("code" in result) toImport.push({ index, code: result.code });
      else imported.problems.push({ file: location.displayName(paths[index]!), path: "", message: `could not be compiled: ${result.error}` });
    });
    return toImport.map(({ index, code }) => ({ file: paths[index]!, code }));
  });
  const results = await importInWorkers(compiled, location.importTimeoutMs ?? DEFAULT_IMPORT_TIMEOUT_MS);
  results.forEach((result: ImportResult, i) => {
    const file = location.displayName(paths[toImport[i]!.index]!);
    if (result.ok) imported.modules.push({ file, exported: result.exported });
    else imported.problems.push({ file, path: "", message: result.message });
  });
  return imported;
}
