/**
 * Test helper: validates emitted manifests with the project's one schema validator
 * (`createValidator` of @flotilla/render: strict structural schemas and CEL rules of the vendored
 * Flux CRDs, the Kubernetes API schema of the default version for core kinds), fed with the CRDs that synth uses
 * (`readFluxCrds()`, i.e. crds/crds.json; crd-json.test.ts keeps it equal to the YAML).
 */
import { createValidator, type SchemaProblem } from "@flotilla/render/validate";
import { readFluxCrds } from "../../src/crd-files.js";
import type { Manifest } from "./synth.js";

export const fluxCrds = await readFluxCrds();

/** The validator over all vendored Flux CRDs, created once per test file. */
export const fluxValidator = createValidator({ crds: fluxCrds });

/** "group/version Kind" of the namespaced Flux kinds (every Flux CRD is namespaced). */
const namespacedKinds = new Set(
  fluxCrds.flatMap((crd) => {
    const { spec } = crd as { spec: { group: string; scope: string; names: { kind: string }; versions: { name: string }[] } };
    return spec.scope === "Namespaced" ? spec.versions.map((version) => `${spec.group}/${version.name} ${spec.names.kind}`) : [];
  }),
);

/**
 * The problems of one manifest: those of the validator, plus two rules for manifests emitted by
 * this package that a schema cannot express: a Flux object names its namespace (it must not land
 * in whatever namespace the applying Kustomization targets), and it carries no status (the API
 * server ignores status on create; writing one is a bug).
 */
export function manifestProblems(manifest: Manifest): SchemaProblem[] {
  const problems = [...fluxValidator.validate(manifest)];
  if (namespacedKinds.has(`${manifest.apiVersion} ${manifest.kind}`) && typeof manifest.metadata?.namespace !== "string") {
    problems.push({ path: ".metadata.namespace", message: "a namespaced Flux object must set its namespace" });
  }
  if (manifest.status !== undefined) problems.push({ path: ".status", message: "an emitted manifest must not set status" });
  return problems;
}

/** Throws one error listing every problem of every manifest. */
export function expectValidManifests(manifests: Manifest[]): void {
  const problems = manifests.flatMap((manifest) => {
    const id = `${String(manifest.kind)} ${String(manifest.metadata?.namespace)}/${String(manifest.metadata?.name)}`;
    return manifestProblems(manifest).map(({ path, message }) => `${id}: ${path || "(root)"}: ${message}`);
  });
  if (problems.length > 0) throw new Error(`manifests do not match the vendored schemas:\n  ${problems.join("\n  ")}`);
}
