import { loadavg } from "node:os";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { EDITED_FILE, editedSource, median, timed } from "./user-loop.js";

export interface MachineryGain {
  machinery: string;
  /** Median wall ms of the loop with everything on. */
  onMs: number;
  /** Median wall ms of the loop with this one piece off. */
  offMs: number;
  loop: "unchanged" | "value edit";
}

interface Variant {
  machinery: string;
  loop: MachineryGain["loop"];
  entry: "bundle" | "unbundled";
  args?: string[];
  without?: string;
}

/** Each piece of speed machinery and how the loop runs without it (FLOTILLA_BENCH_WITHOUT, see bench-switches.ts). */
const VARIANTS: Variant[] = [
  { machinery: "up-to-date stamp", loop: "unchanged", entry: "bundle", without: "stamp" },
  { machinery: "render cache (--no-cache)", loop: "value edit", entry: "bundle", args: ["--no-cache"] },
  { machinery: "precompiled validator units", loop: "value edit", entry: "bundle", without: "precompiled" },
  { machinery: "bundle (dist/cli/flotilla.js instead)", loop: "value edit", entry: "unbundled" },
  { machinery: "JSON copies of the CRD YAML", loop: "value edit", entry: "bundle", without: "json-copies" },
  { machinery: "release gate cache", loop: "value edit", entry: "bundle", without: "release-gate-cache" },
];

/**
 * The user's loop with each piece of speed machinery turned off, against the same loop with all of
 * it on, interleaved run by run (so a busy machine slows both alike): `node <entry> synth` in the
 * repository (pnpm's own start, the same for both, is left out), with nothing changed for the stamp,
 * and right after a value of apps/fleet/src/clusters/dev.ts changed for the rest (new objects: the
 * validator has work). The file and the tree are restored afterwards.
 */
export async function measureMachinery(repoRoot: string, distDir: string, runs: number): Promise<{ gains: MachineryGain[]; load: [number, number] }> {
  const file = join(repoRoot, EDITED_FILE);
  const original = await readFile(file, "utf8");
  const entries = { bundle: join(distDir, "bundle", "flotilla.js"), unbundled: join(distDir, "cli", "flotilla.js") };
  const synth = (variant: Pick<Variant, "entry" | "args" | "without">) =>
    timed(process.execPath, [entries[variant.entry], "synth", ...(variant.args ?? [])], repoRoot, { ...process.env, FLOTILLA_BENCH_WITHOUT: variant.without ?? "" });
  const on = { unchanged: [] as number[], "value edit": [] as number[] };
  const off = VARIANTS.map(() => [] as number[]);
  const loadBefore = loadavg()[0]!;
  let edits = 0;
  const edit = () => writeFile(file, editedSource(original, "value", edits++));
  try {
    await edit();
    synth({ entry: "bundle" });
    for (let run = 0; run < runs; run++) {
      // Unchanged: the stamp is written by the run before.
      synth({ entry: "bundle" });
      on.unchanged.push(synth({ entry: "bundle" }));
      off[0]!.push(synth(VARIANTS[0]!));
      for (const [index, variant] of VARIANTS.entries()) {
        if (variant.loop !== "value edit") continue;
        await edit();
        on["value edit"].push(synth({ entry: "bundle" }));
        await edit();
        off[index]!.push(synth(variant));
      }
    }
  } finally {
    await writeFile(file, original);
    synth({ entry: "bundle" });
  }
  return {
    gains: VARIANTS.map((variant, index) => ({ machinery: variant.machinery, loop: variant.loop, onMs: median(on[variant.loop]), offMs: median(off[index]!) })),
    load: [loadBefore, loadavg()[0]!],
  };
}
