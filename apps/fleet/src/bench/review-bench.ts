import { spawnSync } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { emptyCacheButTools } from "./cold-synth.js";
import { measureNode, type Measurement } from "./measure.js";
import { median } from "./user-loop.js";

export interface ReviewMeasurement {
  /** With the Helm renders cached by an earlier run. */
  validate: Measurement;
  /** Warm, with and without validate's tree file cache (FLOTILLA_BENCH_WITHOUT=tree-cache), interleaved; when asked for. */
  treeCache?: { onMs: number; offMs: number };
  /** With an empty cache directory (only the extracted tools kept, emptyCacheButTools): every HelmRelease rendered (helm template + kustomize), every kustomization built. */
  validateCold: Measurement;
  /** The same cold validate with kustomize's output read by the yaml library (FLOTILLA_BENCH_WITHOUT=tool-yaml), right after it; when asked for. */
  validateColdWithoutToolYaml?: Measurement;
  diff: Measurement;
  /** Objects the measured diff reports as changed. */
  changed: number;
}

interface ReviewBenchOptions {
  distDir: string;
  preload: string;
  runs: number;
  /** A fresh directory for the fleet's repository. */
  repo: string;
  /** A generated fleet's directory; the example fleet when undefined. */
  fleet?: string;
  /** Runs of the cold validate (it renders every chart); default `runs`. */
  coldRuns?: number;
  /** Run validate's values-effect check (one render per value when cold); default true. */
  valuesEffect?: boolean;
  /** Also measure what validate's tree file cache gains when warm (issue 13 item 3). */
  treeCacheGain?: boolean;
  /** Also measure the cold validate with kustomize's output read by the yaml library instead of js-yaml (@flotilla/helm toolYamlDocuments). */
  toolYamlGain?: boolean;
}

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.stderr}`);
  return result.stdout;
}

/**
 * `pnpm validate` on a freshly rendered fleet committed to a Git repository, then `pnpm diff`
 * (Markdown, against HEAD) after a change to every cluster: each namespace's team label.
 */
export async function measureReview(options: ReviewBenchOptions): Promise<ReviewMeasurement> {
  const { repo, fleet, distDir, preload, runs } = options;
  const clusters = join(repo, "clusters");
  const fleetArgs = fleet ? ["--fleet", fleet] : [];
  await mkdir(repo, { recursive: true });
  run("git", ["init", "-q", "-b", "main"], repo);
  run(process.execPath, [join(distDir, "bundle", "flotilla.js"), "synth", "--no-cache", "--cache-dir", join(repo, ".cache"), ...fleetArgs, "--out", clusters], repo);
  run("git", ["add", "-A"], repo);
  run("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "rendered"], repo);

  // Exit 1 is a finding, not a failure of the bench: the example fleet's metaflow release cannot
  // be installed until issue 12 item 5 fixes the fleet.
  const cache = join(repo, ".cache");
  const validateArgs = [join(distDir, "bundle", "flotilla.js"), "validate", ...fleetArgs, "--tree", clusters, "--cache-dir", cache, ...(options.valuesEffect === false ? ["--no-values-effect"] : [])];
  // Cold: as a fresh clone, every cache but the extracted helm and kubectl is gone.
  const validateCold = measureNode(validateArgs, preload, options.coldRuns ?? runs, { okCodes: [0, 1], before: () => emptyCacheButTools(cache) });
  const validateColdWithoutToolYaml = options.toolYamlGain
    ? measureNode(validateArgs, preload, options.coldRuns ?? runs, { okCodes: [0, 1], before: () => emptyCacheButTools(cache), env: { ...process.env, FLOTILLA_BENCH_WITHOUT: "tool-yaml" } })
    : undefined;
  const validate = measureNode(validateArgs, preload, runs, { okCodes: [0, 1] });
  let treeCache: ReviewMeasurement["treeCache"];
  if (options.treeCacheGain) {
    const on: number[] = [];
    const off: number[] = [];
    const without = { ...process.env, FLOTILLA_BENCH_WITHOUT: "tree-cache" };
    for (let run = 0; run < runs; run++) {
      on.push(measureNode(validateArgs, preload, 1, { okCodes: [0, 1] }).wallMs);
      off.push(measureNode(validateArgs, preload, 1, { okCodes: [0, 1], env: without }).wallMs);
    }
    treeCache = { onMs: median(on), offMs: median(off) };
  }
  for (const file of await listFiles(clusters)) {
    const content = await readFile(file, "utf8");
    const changed = content.replaceAll("contoso.com/team: analytics", "contoso.com/team: ml");
    if (changed !== content) await writeFile(file, changed);
  }
  const output = join(repo, "diff.md");
  const diff = measureNode([join(distDir, "bundle", "flotilla.js"), "diff", "--tree", clusters, "--base", "HEAD", "--format", "markdown", "--output", output], preload, runs);
  const summary = /Objects: (\d+) changed/.exec(await readFile(output, "utf8"));
  return { validate, validateCold, diff, changed: Number(summary?.[1] ?? 0), ...(treeCache ? { treeCache } : {}), ...(validateColdWithoutToolYaml ? { validateColdWithoutToolYaml } : {}) };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}
