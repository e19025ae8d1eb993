import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fluxCrdsJsonFile } from "@flotilla/flux";
import { karpenterCrdsJsonFile } from "@flotilla/karpenter";
import { validatorFiles, type ObjectValidator } from "@flotilla/render";
import type { PrecompiledUnit } from "@flotilla/render/validate";
import { repoRoot } from "./repo-paths.js";

/** Where `pnpm build` writes the schema units compiled ahead of time (scripts/precompile-validators.mjs). */
export const PRECOMPILED_DIR = join(repoRoot, "apps/fleet/dist/validators");
export const PRECOMPILED_INDEX = "index.json";

/** The vendored CRD sets of the tree (Flux, Karpenter) as JSON arrays: what the validator checks custom resources against. */
function vendoredCrdFiles(): string[] {
  return [fluxCrdsJsonFile(), karpenterCrdsJsonFile()];
}

/** The vendored CRDs, parsed. */
export async function readVendoredCrds(): Promise<unknown[]> {
  const sets = await Promise.all(vendoredCrdFiles().map(async (file) => JSON.parse(await readFile(file, "utf8")) as unknown[]));
  return sets.flat();
}

/** The one schema validator of the rendered tree: synth checks what it renders with it, validate checks the committed tree with it. */
export async function createSchemaValidator(): Promise<ObjectValidator> {
  // Loaded on demand: the CEL library and any compiling are most of the validator's cost, and a
  // synth whose objects are all known valid (the render cache) never needs them.
  const [{ createValidator }, crds] = await Promise.all([import("@flotilla/render/validate"), readVendoredCrds()]);
  return createValidator({ crds, precompiled: precompiledUnits() });
}

/** The units `pnpm build` compiled ahead of time, by digest; none when they were not built. */
function precompiledUnits(): (digest: string) => PrecompiledUnit | undefined {
  let digests: Set<string> | undefined;
  const load = createRequire(join(PRECOMPILED_DIR, PRECOMPILED_INDEX));
  return (digest) => {
    digests ??= readPrecompiledIndex();
    return digests.has(digest) ? (load(`./${digest}.cjs`) as PrecompiledUnit) : undefined;
  };
}

function readPrecompiledIndex(): Set<string> {
  try {
    return new Set(JSON.parse(readFileSync(join(PRECOMPILED_DIR, PRECOMPILED_INDEX), "utf8")) as string[]);
  } catch {
    return new Set();
  }
}

/** The files that decide the validator's answers: its code and schemas, and the vendored CRDs. */
export function schemaValidatorFiles(): string[] {
  return [...validatorFiles(), ...vendoredCrdFiles()];
}
