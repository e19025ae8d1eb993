import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { measureNode, type Measurement } from "./measure.js";

/** What a fresh clone keeps of a cache directory: the extracted helm and kubectl (minutes to extract, not a render). */
export const KEPT_WHEN_COLD = new Set(["tools", "tool-versions.json"]);

/** Empties a cache directory as in a fresh clone, but for the extracted tools. */
export function emptyCacheButTools(cacheDir: string): void {
  for (const entry of existsSync(cacheDir) ? readdirSync(cacheDir) : []) if (!KEPT_WHEN_COLD.has(entry)) rmSync(join(cacheDir, entry), { recursive: true, force: true });
}

/**
 * The example fleet's synth (the full run: FLOTILLA_BENCH_WITHOUT=stamp) with every Helm render
 * cold, its cache directory emptied but for the tools, against the same synth warm, interleaved
 * run by run so that a busy machine slows both alike. Target (issue 12 item 7): cold at most
 * 600 ms slower.
 */
export function measureColdSynth(synthArgs: string[], cacheDir: string, preload: string, runs: number): { warm: Measurement; cold: Measurement } {
  const env = { ...process.env, FLOTILLA_BENCH_WITHOUT: "stamp" };
  const args = [...synthArgs, "--cache-dir", cacheDir];
  measureNode(args, preload, 1, { env });
  const warm: Measurement[] = [];
  const cold: Measurement[] = [];
  for (let run = 0; run < runs; run++) {
    cold.push(measureNode(args, preload, 1, { env, before: () => emptyCacheButTools(cacheDir) }));
    warm.push(measureNode(args, preload, 1, { env }));
  }
  return { warm: medianOf(warm), cold: medianOf(cold) };
}

/** The run of median wall time, with the largest peak memory of all. */
function medianOf(runs: Measurement[]): Measurement {
  const sorted = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  return { ...sorted[Math.floor(sorted.length / 2)]!, peakMiB: Math.max(...runs.map((run) => run.peakMiB)) };
}
