import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface UserLoop {
  /** Median wall ms of `pnpm -s synth` with nothing changed. */
  unchangedMs: number;
  /** Median wall ms of `pnpm -s synth` right after a comment was added to a cluster file (the tree stays the same). */
  commentEditMs: number;
  /** Median wall ms of `pnpm -s synth` right after a value of a cluster file changed to one it never had (objects change, the tree is written). */
  valueEditMs: number;
}

/** The example cluster file the loop edits, relative to the repository root. */
export const EDITED_FILE = "apps/fleet/src/clusters/dev.ts";

/**
 * Edits of the example dev cluster: a comment, or its reconcile interval set to a value no earlier
 * run rendered (`5m` → `<n>m`), which changes its Flux Kustomizations.
 */
export function editedSource(original: string, edit: "comment" | "value", run: number): string {
  if (edit === "comment") return `${original}// bench edit ${run} ${Date.now()}\n`;
  const edited = original.replace('reconcileInterval: "5m"', `reconcileInterval: "${(Date.now() % 100_000) + run}s"`);
  if (edited === original) throw new Error(`${EDITED_FILE} has no reconcileInterval: "5m" for the bench to change`);
  return edited;
}

function timed(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, encoding: "utf8", ...(env ? { env } : {}) });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export const median = (times: number[]) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? 0;

/**
 * The user's loop, measured from the shell as typed: `pnpm -s synth` in the repository, with
 * nothing changed, right after a comment is added to apps/fleet/src/clusters/dev.ts, and right
 * after one of its values changes. The file and the tree are restored afterwards.
 */
export async function measureUserLoop(repoRoot: string, runs: number): Promise<UserLoop> {
  const file = join(repoRoot, EDITED_FILE);
  const original = await readFile(file, "utf8");
  const synth = () => timed("pnpm", ["-s", "synth"], repoRoot);
  try {
    synth();
    const unchanged = Array.from({ length: runs }, synth);
    const afterEdit = async (edit: "comment" | "value") => {
      const times: number[] = [];
      for (let run = 0; run < runs; run++) {
        await writeFile(file, editedSource(original, edit, run));
        times.push(synth());
      }
      return median(times);
    };
    const commentEditMs = await afterEdit("comment");
    const valueEditMs = await afterEdit("value");
    return { unchangedMs: median(unchanged), commentEditMs, valueEditMs };
  } finally {
    await writeFile(file, original);
    synth();
  }
}

export { timed };
