import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface UserLoop {
  /** Median wall ms of `pnpm synth` with nothing changed. */
  unchangedMs: number;
  /** Median wall ms of `pnpm synth` right after an edit to a cluster file. */
  editedMs: number;
}

/**
 * The user's loop, measured from the shell as typed: `pnpm -s synth` in the repository, with
 * nothing changed, and right after each edit of apps/fleet/src/clusters/dev.ts (a comment line
 * that changes on every run: the file is compiled again, the rendered tree stays the same). The
 * file is restored afterwards.
 */
export async function measureUserLoop(repoRoot: string, runs: number): Promise<UserLoop> {
  const file = join(repoRoot, "apps/fleet/src/clusters/dev.ts");
  const original = await readFile(file, "utf8");
  const synth = () => {
    const started = process.hrtime.bigint();
    const result = spawnSync("pnpm", ["-s", "synth"], { cwd: repoRoot, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`pnpm -s synth failed (${result.status}):\n${result.stderr}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const median = (times: number[]) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? 0;
  try {
    synth();
    const unchanged = Array.from({ length: runs }, synth);
    const edited: number[] = [];
    for (let run = 0; run < runs; run++) {
      await writeFile(file, `${original}// bench edit ${run} ${Date.now()}\n`);
      edited.push(synth());
    }
    return { unchangedMs: median(unchanged), editedMs: median(edited) };
  } finally {
    await writeFile(file, original);
  }
}
