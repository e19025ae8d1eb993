import type { FleetProblem } from "@flotilla/fleet";
import type { ValidationProblem } from "@flotilla/review";
import { type ReleaseFindings, synth, type SynthOptions } from "../synth.js";

/** What validate learns from synth: how the tree differs from what the fleet renders, and what synth would refuse. */
export interface GeneratedDrift {
  drift: ValidationProblem[];
  /** The fleet's problems that keep synth from rendering (cluster files, identities, Secret files and keys, image values, schemas). */
  synth: FleetProblem[];
  /** What the clusters whose files synth would change would run, when it has problems (the releases the tree has are validate's own check). */
  releases?: ReleaseFindings;
}

/**
 * Generated files (those with flotilla's header) that differ from what synth renders from the
 * fleet now: edited by hand, or left stale. A pull request can change `clusters/` only the way
 * synth would; anything else (a remote base slipped into a generated kustomization.yaml, a
 * widened RoleBinding) is a problem. What keeps `pnpm synth` from writing, validate reports too,
 * in the same run: the fleet's problems (when the fleet does not render, instead of the drift)
 * and, given `releases`, the problems of the releases of every cluster whose files synth would
 * change. `renderCache` is synth's (objects known valid and their YAML).
 */
export async function generatedDrift(
  locations: Pick<SynthOptions, "fleet" | "identityOutputs" | "secrets" | "images" | "clusters" | "renderCache" | "loaded" | "outDirTree">,
  treeDir: string,
  releases?: Omit<NonNullable<SynthOptions["releases"]>, "onlyChanged">,
): Promise<GeneratedDrift> {
  const outcome = await synth({ ...locations, outDir: treeDir, check: true, ...(releases ? { releases: { ...releases, onlyChanged: true } } : {}) });
  // helm or kubectl missing: validate checked its tools up front and reports them.
  if (outcome.kind === "missing-tools") return { drift: [], synth: outcome.fleetProblems };
  const { changes } = outcome;
  const found = outcome.kind === "invalid" ? { synth: outcome.problems, releases: outcome.releases } : { synth: [] };
  if (changes === undefined) return { drift: [], ...found };
  const problem = (file: string, message: string): ValidationProblem => ({ check: "generated", file, object: "", path: "", message });
  return {
    ...found,
    drift: [
      ...changes.drifted.map((file) => problem(file, "differs from what synth renders from the fleet: generated files change only by `pnpm synth`; run it and commit the result")),
      ...changes.missing.map((file) => problem(file, "missing: synth renders it from the fleet; run `pnpm synth` and commit the result")),
      ...changes.stale.map((file) => problem(file, "stale: carries flotilla's header but synth no longer renders it; run `pnpm synth` and commit the result")),
      ...changes.conflicts.map((file) => problem(file, "synth renders this file, but the tree holds one flotilla did not write here; move it away and run `pnpm synth`")),
    ],
  };
}
