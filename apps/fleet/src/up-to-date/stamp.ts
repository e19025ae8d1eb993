import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join, sep } from "node:path";
import { type Excluded, observe } from "./observe.js";
import type { Observation } from "./read-trace.js";
import { treeState } from "./tree-state.js";

/**
 * What a successful synth saw, so that the same command can tell it is up to date without
 * running: every input it read (read-trace.ts), the tree it left and the line it would print.
 * Written only by a run that ended up to date (or wrote the tree), for its exact command line.
 */
export interface SynthStamp {
  format: typeof FORMAT;
  /** The bundle that wrote it (bundle-id.ts): other code may render otherwise. */
  bundle: string;
  node: string;
  outDir: string;
  /** treeState(outDir) after the run. */
  tree: string;
  /** The directories synth writes (ownWrites). */
  writes: string[];
  observations: Observation[];
  /** What synth prints when nothing changed. */
  message: string;
}

const FORMAT = 1;

/** Environment variables that can change what synth does with the same command line. */
const RELEVANT_ENV = /^(FLOTILLA_.*|PATH|NODE_OPTIONS|NODE_PATH)$/;

/** The stamp of one command line, typed in one directory, in `<cacheDir>/up-to-date/`. */
export function stampFile(cacheDir: string, argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const relevant = Object.entries(env)
    .filter(([name]) => RELEVANT_ENV.test(name))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const key = createHash("sha256").update(JSON.stringify({ argv, cwd, env: relevant })).digest("hex").slice(0, 32);
  return join(cacheDir, "up-to-date", `${key}.json`);
}

/** The state of processes and devices (a lock holder's /proc/<pid>/stat): never what synth renders from. */
const SYSTEM = ["/proc/", "/sys/", "/dev/"];

/**
 * What synth reads and is no input, given the directories it writes (the tree and the cache
 * directory): everything in them, the lock, staging and previous-tree entries it puts beside each
 * (`.clusters.lock`, `.clusters.<pid>-…`), and the system's process and device files.
 */
export function notInputs(writes: readonly string[]): Excluded {
  const prefixes = [...SYSTEM, ...writes.flatMap((dir) => [`${dir}${sep}`, join(dirname(dir), `.${basename(dir)}.`)])];
  return (path) => writes.includes(path) || prefixes.some((prefix) => path.startsWith(prefix));
}

/** Writes the stamp whole (temporary file, then rename), or not at all: it only ever saves time. */
export function writeStamp(file: string, content: Omit<SynthStamp, "format">): void {
  const stamp: SynthStamp = { format: FORMAT, ...content };
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temporary, JSON.stringify(stamp));
    renameSync(temporary, file);
  } catch {
    // a read-only cache directory only costs the next run its shortcut
  }
}

/**
 * The stamp's message when every input still has the value synth saw and the tree is as it left
 * it; undefined otherwise (no stamp, another bundle or Node, any difference), and the command runs.
 */
export function upToDateMessage(file: string, bundle: string): string | undefined {
  let stamp: SynthStamp;
  try {
    stamp = JSON.parse(readFileSync(file, "utf8")) as SynthStamp;
  } catch {
    return undefined;
  }
  if (stamp.format !== FORMAT || stamp.bundle !== bundle || stamp.node !== process.version || !Array.isArray(stamp.observations)) return undefined;
  const excluded = notInputs(stamp.writes);
  for (const [kind, path, value] of stamp.observations) {
    if (observe(kind, path, excluded) !== value) return undefined;
  }
  return treeState(stamp.outDir) === stamp.tree ? stamp.message : undefined;
}
