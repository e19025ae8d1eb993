import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { fluxCrdsJsonFile, readFluxCrds } from "@flotilla/flux";
import { karpenterCrdsJsonFile, readKarpenterCrds } from "@flotilla/karpenter";
import { validatorFiles, type ObjectValidator } from "@flotilla/render";

/**
 * The one schema validator of the rendered tree: synth checks what it renders with it, validate
 * checks the committed tree with it. Add every vendored CRD set here (Flux, Karpenter), and its
 * file to `schemaValidatorFingerprint`.
 */
export async function createSchemaValidator(): Promise<ObjectValidator> {
  // Loaded on demand: ajv and the CEL library are most of the validator's cost, and a synth whose
  // objects are all in the validation cache never needs them.
  const [{ createValidator }, flux, karpenter] = await Promise.all([import("@flotilla/render/validate"), readFluxCrds(), readKarpenterCrds()]);
  return createValidator({ crds: [...flux, ...karpenter] });
}

/**
 * A digest of everything that decides the validator's answers: its code and schemas, and the
 * vendored CRDs. Read synchronously: a few dozen small files, each read faster than a thread-pool
 * round trip.
 */
export function schemaValidatorFingerprint(): string {
  const hash = createHash("sha256");
  for (const file of [...validatorFiles(), fluxCrdsJsonFile(), karpenterCrdsJsonFile()]) {
    hash.update(`${basename(file)}\0`).update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}
