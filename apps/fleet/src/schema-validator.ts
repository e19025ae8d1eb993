import { readFile } from "node:fs/promises";
import { fluxCrdsJsonFile } from "@flotilla/flux";
import { karpenterCrdsJsonFile } from "@flotilla/karpenter";
import { validatorFiles, type ObjectValidator } from "@flotilla/render";

/** The vendored CRD sets of the tree (Flux, Karpenter) as JSON arrays: what the validator checks custom resources against. */
function vendoredCrdFiles(): string[] {
  return [fluxCrdsJsonFile(), karpenterCrdsJsonFile()];
}

/** The one schema validator of the rendered tree: synth checks what it renders with it, validate checks the committed tree with it. */
export async function createSchemaValidator(): Promise<ObjectValidator> {
  // Loaded on demand: ajv and the CEL library are most of the validator's cost, and a synth whose
  // objects are all known valid (the render cache) never needs them.
  const { createValidator } = await import("@flotilla/render/validate");
  const crds = await Promise.all(vendoredCrdFiles().map(async (file) => JSON.parse(await readFile(file, "utf8")) as unknown[]));
  return createValidator({ crds: crds.flat() });
}

/** The files that decide the validator's answers: its code and schemas, and the vendored CRDs. */
export function schemaValidatorFiles(): string[] {
  return [...validatorFiles(), ...vendoredCrdFiles()];
}
