import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { z } from "zod";
import { formatFleetProblems, SECRETS_DIR } from "@flotilla/fleet";
import { hasChanges, TreeConflictError, type RenderProblem, type TreeChanges } from "@flotilla/render";
import { IDENTITY_OUTPUTS_DIR } from "@flotilla/workload-identity";
import type { IdentityOutputsLocation } from "./identity-outputs.js";
import type { FleetLocation } from "@flotilla/fleet";
import { exampleFleet } from "./example-fleet.js";
import { fleetLocations, IMAGES_OPTION_HELP } from "./fleet-options.js";
import { synth } from "./synth.js";

// Synth parses each cluster spec once: zod's JIT-compiled parsers cost more to build than they save.
z.config({ jitless: true });

const distDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(distDir, "../../..");

const program = new Command("synth")
  .description("Render every cluster of the fleet into clusters/<name>/ for Flux.")
  .option("--check", "compare the committed tree with what the fleet renders; change nothing, exit 1 on drift")
  .option("--out <dir>", "output directory", join(repoRoot, "clusters"))
  .option("--fleet <dir>", "directory of cluster modules (.js/.mjs) to use instead of the example fleet")
  .option(
    "--identity-outputs <dir>",
    "directory of identity outputs files (<cluster>.json, written by `pnpm bootstrap apply`); default apps/fleet/identity-outputs, or <fleet>/identity-outputs with --fleet",
  )
  .option(
    "--secrets <dir>",
    "directory of encrypted secrets (<cluster>/<namespace>/<name>.sops.yaml, written by `pnpm secret set`); default apps/fleet/secrets, or <fleet>/secrets with --fleet",
  )
  .option("--images <dir>", IMAGES_OPTION_HELP)
  .action(async (options: SynthCliOptions) => {
    process.exitCode = await run(options);
  });

interface SynthCliOptions {
  check?: boolean;
  out: string;
  fleet?: string;
  identityOutputs?: string;
  secrets?: string;
  images?: string;
}

async function run(options: SynthCliOptions): Promise<number> {
  const outDir = resolve(options.out);
  const shownOut = displayPath(outDir);
  const fleet: FleetLocation = options.fleet
    ? { modulesDir: resolve(options.fleet), displayName: displayPath }
    : exampleFleet(repoRoot, distDir);
  const outputsDir = options.identityOutputs
    ? resolve(options.identityOutputs)
    : options.fleet
      ? join(resolve(options.fleet), "identity-outputs")
      : join(repoRoot, IDENTITY_OUTPUTS_DIR);
  const identityOutputs: IdentityOutputsLocation = { dir: outputsDir, displayName: displayPath };
  const secretsDir = options.secrets ? resolve(options.secrets) : options.fleet ? join(resolve(options.fleet), "secrets") : join(repoRoot, SECRETS_DIR);
  try {
    const outcome = await synth({
      fleet,
      identityOutputs,
      secrets: { dir: secretsDir, displayName: displayPath },
      images: fleetLocations(options).images,
      outDir,
      check: options.check ?? false,
    });
    switch (outcome.kind) {
      case "invalid-fleet":
        console.error(formatFleetProblems(outcome.problems));
        console.error(`${shownOut}/ was not changed.`);
        return 1;
      case "invalid-output":
        console.error(formatRenderProblems(outcome.problems, shownOut));
        console.error(`${shownOut}/ was not changed.`);
        return 1;
      case "checked":
        if (!hasChanges(outcome.changes)) {
          console.log(`${shownOut}/ is up to date (${outcome.clusters.length} clusters).`);
          return 0;
        }
        console.error(describeChanges(outcome.changes, shownOut));
        console.error("Run `pnpm synth` and commit the result.");
        return 1;
      case "written":
        console.log(
          hasChanges(outcome.changes)
            ? `${describeChanges(outcome.changes, shownOut)}\nWrote ${shownOut}/ (${outcome.clusters.length} clusters).`
            : `${shownOut}/ is up to date (${outcome.clusters.length} clusters); nothing written.`,
        );
        return 0;
    }
  } catch (error) {
    if (error instanceof TreeConflictError) {
      console.error(`synth: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** Paths inside the repository are shown relative to its root (turbo runs synth from apps/fleet). */
function displayPath(path: string): string {
  const inRepo = relative(repoRoot, path);
  return inRepo && !inRepo.startsWith("..") ? inRepo : path;
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

function formatRenderProblems(problems: RenderProblem[], out: string): string {
  const lines = problems.map((p) =>
    [`cluster ${p.cluster}`, `${out}/${p.file}`, p.object, p.path, p.message].filter(Boolean).join(": "),
  );
  return `${lines.join("\n")}\n${problems.length} problem(s) in the rendered output.`;
}

await program.parseAsync();
