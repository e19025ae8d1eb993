import { resolve } from "node:path";
import { bundleId } from "../bundle-id.js";
import { DEFAULT_CACHE_DIR } from "../cache-dir.js";
import { stampFile, upToDateMessage } from "../up-to-date/stamp.js";

/**
 * What `synth` would print for this command line when its stamp shows nothing changed (see
 * up-to-date/stamp.ts); undefined when it has to run: another command, `--no-cache`, help, an
 * unbundled build (it has no bundle id to tell code changes by), or no matching stamp.
 */
export function stampedUpToDate(argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  if (argv[0] !== "synth" || bundleId === "") return undefined;
  // FLOTILLA_BENCH_WITHOUT=stamp (bench-switches.ts), read here without loading that module.
  if ((env.FLOTILLA_BENCH_WITHOUT ?? "").split(",").includes("stamp")) return undefined;
  let cacheDir = DEFAULT_CACHE_DIR;
  for (let index = 1; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === "--no-cache" || arg === "--help" || arg === "-h") return undefined;
    if (arg === "--cache-dir") {
      const value = argv[++index];
      if (value === undefined) return undefined;
      cacheDir = resolve(value);
    } else if (arg.startsWith("--cache-dir=")) {
      cacheDir = resolve(arg.slice("--cache-dir=".length));
    }
  }
  return upToDateMessage(stampFile(cacheDir, argv, process.cwd(), env), bundleId);
}
