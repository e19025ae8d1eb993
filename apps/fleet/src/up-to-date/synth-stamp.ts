import { isGenerated } from "@flotilla/render";
import { bundleId } from "../bundle-id.js";
import { type Observation, traceReads } from "./read-trace.js";
import { notInputs, stampFile, writeStamp } from "./stamp.js";
import { treeState } from "./tree-state.js";

export interface StartedStamp {
  /** Ends the recording of the run's reads (once the run is over, however it ended). */
  stop(): void;
  /**
   * Writes the stamp of this command line, when the run saw every input through the file system
   * functions it traces and the tree is exactly `files` (plus files flotilla did not write).
   */
  save(files: ReadonlyMap<string, string>, message: string): void;
}

/**
 * Starts recording what a synth of `outDir` reads, for the stamp of the command line this process
 * runs (see stamp.ts). The cluster files count through the reads of their compilation
 * (cluster-file-bundle.ts reads them, not esbuild); the code through the bundle id; the packages
 * they import at run time through the lockfile (pnpm-lock.yaml), read for every cached run.
 */
export function startStamp(outDir: string, cacheDir: string): StartedStamp | undefined {
  if (bundleId === "") return undefined;
  const writes = [outDir, cacheDir];
  const trace = traceReads(notInputs(writes));
  let observations: Observation[] | undefined;
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      observations = trace.stop();
    },
    save(files, message) {
      if (observations === undefined) return;
      let matched = 0;
      const tree = treeState(outDir, (path, content) => {
        const expected = files.get(path);
        if (expected === undefined) return !isGenerated(content.toString("utf8"));
        matched += 1;
        return content.equals(Buffer.from(expected, "utf8"));
      });
      if (tree === undefined || matched !== files.size) return;
      const file = stampFile(cacheDir, process.argv.slice(2), process.cwd(), process.env);
      writeStamp(file, { bundle: bundleId, node: process.version, outDir, tree, writes, observations, message });
    },
  };
}
