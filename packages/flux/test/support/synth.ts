import { Testing, type Chart } from "cdk8s";

/** A synthesized manifest: free-form JSON, indexed freely in assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are arbitrary JSON
export type Manifest = Record<string, any>;

/** Builds constructs in a fresh test chart and returns the synthesized manifests. */
export function synth(build: (chart: Chart) => void): Manifest[] {
  const chart = Testing.chart();
  build(chart);
  return chart.toJson() as Manifest[];
}

/** Synthesizes a single construct and returns its only manifest. */
export function synthOne(build: (chart: Chart) => void): Manifest {
  const manifests = synth(build);
  if (manifests.length !== 1) {
    throw new Error(`expected exactly one manifest, got ${manifests.length}`);
  }
  return manifests[0] as Manifest;
}
