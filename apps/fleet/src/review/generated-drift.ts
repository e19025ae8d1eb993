import type { FleetProblem } from "@flotilla/fleet";
import type { ValidationProblem } from "@flotilla/review";
import { synth, type SynthOptions } from "../synth.js";

/**
 * Generated files (those with flotilla's header) that differ from what synth renders from the
 * fleet now: edited by hand, or left stale. A pull request can change `clusters/` only the way
 * synth would; anything else (a remote base slipped into a generated kustomization.yaml, a
 * widened RoleBinding) is a problem. When the fleet does not render, the problems synth finds
 * instead (cluster files, identities, Secret files and keys, image values, the rendered objects'
 * schemas): what `pnpm synth` would refuse, validate reports too. `renderCache` is synth's
 * (objects known valid and their YAML).
 */
export async function generatedDrift(
  locations: Pick<SynthOptions, "fleet" | "identityOutputs" | "secrets" | "images" | "clusters" | "renderCache">,
  treeDir: string,
): Promise<{ drift: ValidationProblem[] } | { synth: FleetProblem[] }> {
  const outcome = await synth({ ...locations, outDir: treeDir, check: true });
  if (outcome.kind === "invalid") return { synth: outcome.problems };
  // Releases are not rendered here (no `releases`): validate checks them itself.
  if (outcome.kind !== "checked" && outcome.kind !== "written") return { drift: [] };
  const problem = (file: string, message: string): ValidationProblem => ({ check: "generated", file, object: "", path: "", message });
  return { drift: [
    ...outcome.changes.drifted.map((file) => problem(file, "differs from what synth renders from the fleet: generated files change only by `pnpm synth`; run it and commit the result")),
    ...outcome.changes.missing.map((file) => problem(file, "missing: synth renders it from the fleet; run `pnpm synth` and commit the result")),
    ...outcome.changes.stale.map((file) => problem(file, "stale: carries flotilla's header but synth no longer renders it; run `pnpm synth` and commit the result")),
    ...outcome.changes.conflicts.map((file) => problem(file, "synth renders this file, but the tree holds one flotilla did not write here; move it away and run `pnpm synth`")),
  ] };
}
