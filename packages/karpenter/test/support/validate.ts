/**
 * Test helper: the project's one schema validator (`createValidator` of @flotilla/render: strict
 * structural schemas and CEL rules) over the vendored Karpenter and Flux CRDs, as synth uses it.
 */
import { Testing, type Chart } from "cdk8s";
import { readFluxCrds } from "@flotilla/flux";
import { createValidator } from "@flotilla/render/validate";
import { readKarpenterCrds } from "../../src/crd-files.js";

export const karpenterCrds = await readKarpenterCrds();
export const validator = createValidator({ crds: [...(await readFluxCrds()), ...karpenterCrds] });

/** A synthesized manifest: free-form JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are arbitrary JSON
export type Manifest = Record<string, any>;

/** Builds constructs in a fresh chart and returns the synthesized manifests. */
export function synth(build: (chart: Chart) => void): Manifest[] {
  const chart = Testing.chart();
  build(chart);
  return chart.toJson() as Manifest[];
}

/** The manifest of `kind` (exactly one). */
export function only(manifests: Manifest[], kind: string): Manifest {
  const found = manifests.filter((manifest) => manifest.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, got ${found.length}`);
  return found[0]!;
}

/** Throws one error listing every schema problem of every manifest. */
export function expectValid(manifests: Manifest[]): void {
  const problems = manifests.flatMap((manifest) =>
    validator.validate(manifest).map(({ path, message }) => `${manifest.kind} ${manifest.metadata?.name}: ${path || "(root)"}: ${message}`),
  );
  if (problems.length > 0) throw new Error(`manifests do not match the vendored CRDs:\n  ${problems.join("\n  ")}`);
}
