import { join, resolve } from "node:path";
import { Command } from "commander";
import { collectClusterNames, formatFleetProblems } from "@flotilla/fleet";
import { LockBusyError } from "@flotilla/lock";
import { hasChanges, TreeConflictError, type TreeChanges } from "@flotilla/render";
import {
  CLUSTER_OPTION_HELP,
  FLEET_OPTION_HELP,
  type FleetCliOptions,
  fleetLocations,
  IDENTITY_OUTPUTS_OPTION_HELP,
  IMAGES_OPTION_HELP,
  SECRETS_OPTION_HELP,
} from "./fleet-options.js";
import { EXIT } from "./cli/exit-codes.js";
import { UsageError } from "./cli/usage-error.js";
import { displayPath, repoRoot } from "./repo-paths.js";
import { describePendingIdentities, type PendingIdentity } from "./pending-identities.js";
import { type ReleaseFindings, synth } from "./synth.js";
import { DEFAULT_CACHE_DIR, RENDER_CACHE_FILE } from "./cache-dir.js";
import { startStamp } from "./up-to-date/synth-stamp.js";


/** `flotilla synth`: its action reports the exit code to `done`. */
export function synthCommand(done: (code: number) => void): Command {
  return new Command("synth")
    .description("Render every cluster of the fleet into clusters/<name>/ for Flux.")
    .option("--check", "compare the committed tree with what the fleet renders; change nothing, exit 1 on drift")
    .option("--cluster <name>", CLUSTER_OPTION_HELP, collectClusterNames)
    .option("--out <dir>", "output directory", join(repoRoot, "clusters"))
    .option("--fleet <dir>", FLEET_OPTION_HELP)
    .option("--identity-outputs <dir>", IDENTITY_OUTPUTS_OPTION_HELP)
    .option("--secrets <dir>", SECRETS_OPTION_HELP)
    .option("--images <dir>", IMAGES_OPTION_HELP)
    .option("--no-cache", "validate, serialize and render every HelmRelease again instead of trusting the render caches")
    .option("--cache-dir <dir>", `where the render caches (${RENDER_CACHE_FILE}, helm-renders/) and the pinned helm/kubectl are kept`, DEFAULT_CACHE_DIR)
    .action(async (options: SynthCliOptions) => done(await run(options)));
}

interface SynthCliOptions extends FleetCliOptions {
  check?: boolean;
  cluster?: string[];
  out: string;
  cache: boolean;
  cacheDir: string;
}

async function run(options: SynthCliOptions): Promise<number> {
  const outDir = resolve(options.out);
  const shownOut = displayPath(outDir);
  const cacheDir = resolve(options.cacheDir);
  // With the cache, the run records what it reads, for the stamp that lets the next run skip it.
  const stamp = options.cache ? startStamp(outDir, cacheDir) : undefined;
  try {
    const outcome = await synth({
      ...fleetLocations(options),
      outDir,
      check: options.check ?? false,
      clusters: options.cluster ?? [],
      ...(options.cache ? { renderCache: join(cacheDir, RENDER_CACHE_FILE) } : {}),
      releases: { cacheDir, cache: options.cache },
      lockWaitMs: lockWaitMs(),
      onLockWait: (holder) => console.error(`synth: waiting for ${shownOut}/, locked by ${holder}`),
    }).finally(() => stamp?.stop());
    // A run that warned (pending identities) is not stamped: the next one must warn again.
    if ((outcome.kind === "checked" || outcome.kind === "written") && outcome.pending.length === 0 && (outcome.kind === "written" || !hasChanges(outcome.changes))) {
      stamp?.save(outcome.files, upToDate(shownOut, outcome.clusters.length, outcome.kind === "checked"));
    }
    switch (outcome.kind) {
      case "invalid": {
        if (outcome.problems.length > 0) console.error(formatFleetProblems(outcome.problems));
        const releases = await releaseFindingLines(outcome.releases, shownOut);
        if (releases.length > 0) console.error(releases.join("\n"));
        // --check: the drift of the clusters that have no problem of their own, in the same run.
        if (outcome.changes && hasChanges(outcome.changes)) console.error(describeChanges(outcome.changes, shownOut));
        console.error(`${shownOut}/ was not changed.`);
        return EXIT.findings;
      }
      case "missing-tools":
        if (outcome.fleetProblems.length > 0) console.error(formatFleetProblems(outcome.fleetProblems));
        for (const problem of outcome.problems) console.error(`synth: ${problem}`);
        console.error(`${shownOut}/ was not changed.`);
        return EXIT.usage;
      case "checked": {
        const pending = describePendingIdentities(outcome.pending, shownOut);
        if (!hasChanges(outcome.changes) && pending.length === 0) {
          console.log(upToDate(shownOut, outcome.clusters.length, true));
          return EXIT.ok;
        }
        if (hasChanges(outcome.changes)) {
          console.error(describeChanges(outcome.changes, shownOut));
          console.error("Run `pnpm synth` and commit the result.");
        }
        // A tree waiting for bootstrap apply must not merge: Flux would apply ServiceAccounts without a client ID.
        if (pending.length > 0) {
          console.error(pending.join("\n"));
          console.error(`${pending.length} pending identit${pending.length === 1 ? "y" : "ies"}: ${shownOut}/ is${hasChanges(outcome.changes) ? " also" : ""} not ready to merge until bootstrap apply has created ${pending.length === 1 ? "it" : "them"}.`);
        }
        return EXIT.findings;
      }
      case "written":
        console.log(
          hasChanges(outcome.changes)
            ? `${describeChanges(outcome.changes, shownOut)}\nWrote ${shownOut}/ (${outcome.clusters.length} clusters).`
            : upToDate(shownOut, outcome.clusters.length, false),
        );
        warnPending(outcome.pending, shownOut);
        return EXIT.ok;
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`synth: ${error.message}`);
      return EXIT.usage;
    }
    if (error instanceof TreeConflictError) {
      console.error(`synth: ${error.message}`);
      return EXIT.findings;
    }
    if (error instanceof LockBusyError) {
      console.error(`synth: ${error.message} (FLOTILLA_LOCK_WAIT_SECONDS sets the wait.) ${shownOut}/ was not changed.`);
      return EXIT.usage;
    }
    throw error;
  }
}

/**
 * What rendering the releases found, then a count of them, then one line per cluster whose
 * releases could not be rendered in this run (so that fixing the fleet brings no surprise round).
 */
async function releaseFindingLines(releases: ReleaseFindings, shownOut: string): Promise<string[]> {
  const lines: string[] = [];
  if (releases.problems.length + releases.rendered.length > 0) {
    const [{ formatProblem }, { formatRenderedProblem }] = await Promise.all([import("@flotilla/review"), import("@flotilla/review/rendered")]);
    lines.push(...releases.problems.map((problem) => formatProblem(problem, shownOut)), ...releases.rendered.map(formatRenderedProblem));
    lines.push(`${lines.length} problem(s) in what the clusters would run (every HelmRelease rendered with the real Helm 4 as helm-controller installs it).`);
  }
  for (const { cluster, file, releases: count } of releases.unrendered) {
    lines.push(
      file === undefined
        ? `${cluster}: its Helm releases are not rendered until its cluster file loads.`
        : `${cluster}: ${count} Helm release${count === 1 ? "" : "s"} not rendered until the problems of ${file} above are fixed.`,
    );
  }
  return lines;
}

/** The pending identities on stderr: written for review, not ready to merge. */
function warnPending(pending: readonly PendingIdentity[], shownOut: string): void {
  if (pending.length === 0) return;
  const lines = describePendingIdentities(pending, shownOut).map((line) => `warning: ${line}`);
  console.error(lines.join("\n"));
  console.error(`warning: ${pending.length} pending identit${pending.length === 1 ? "y" : "ies"}: review the change now; \`pnpm synth --check\` and \`pnpm validate\` fail until bootstrap apply has run.`);
}

function upToDate(out: string, clusters: number, check: boolean): string {
  return `${out}/ is up to date (${clusters} clusters)${check ? "." : "; nothing written."}`;
}

/** FLOTILLA_LOCK_WAIT_SECONDS: how long to wait for another synth writing the same tree. */
function lockWaitMs(): number | undefined {
  const seconds = Number(process.env.FLOTILLA_LOCK_WAIT_SECONDS);
  return process.env.FLOTILLA_LOCK_WAIT_SECONDS && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function describeChanges(changes: TreeChanges, out: string): string {
  const lines: string[] = [];
  const show = (label: string, files: string[]) => files.forEach((file) => lines.push(`  ${label} ${out}/${file}`));
  show("drifted", changes.drifted);
  show("missing", changes.missing);
  show("stale  ", changes.stale);
  show("foreign", changes.conflicts);
  const counts = `${changes.drifted.length} drifted, ${changes.missing.length} missing, ${changes.stale.length} stale`;
  return `${counts}${changes.conflicts.length ? `, ${changes.conflicts.length} blocked by files flotilla did not write` : ""}:\n${lines.join("\n")}`;
}
