import { isHelmRelease, specOf } from "../flux/flux-kinds.js";
import { objectProblem } from "./problem.js";
import { synthHint, type TreeView, type ValidationProblem } from "./types.js";

/** A value a HelmRelease of `chart` must hold at `spec.values.<path>`: an automated image as its images.yaml says. */
export interface ExpectedImageValue {
  /** The chart name of the HelmRelease (`spec.chart.spec.chart`). */
  chart: string;
  /** Keys from the values root. */
  path: readonly string[];
  value: unknown;
  /** The images.yaml the value comes from, as shown to people. */
  source: string;
}

/**
 * Every automated image is rendered as its cluster's images.yaml says (a tree that was not
 * re-synthesized after Flux or a person changed a tag fails here): by cluster, the HelmReleases
 * of each value's chart must hold the value at its path.
 */
export function checkImageValues(tree: TreeView, expected: ReadonlyMap<string, readonly ExpectedImageValue[]>): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const [cluster, values] of expected) {
    const releases = tree.manifests.filter((manifest) => manifest.cluster === cluster && isHelmRelease(manifest));
    for (const value of values) {
      const path = `.spec.values.${value.path.join(".")}`;
      const matching = releases.filter((release) => (specOf(release).chart as { spec?: { chart?: unknown } } | undefined)?.spec?.chart === value.chart);
      if (matching.length === 0) {
        problems.push({ check: "images", file: `${cluster}/`, object: "", path: "", message: `no HelmRelease of chart ${value.chart}, which ${value.source} sets ${path} of; run \`${synthHint(tree)}\` and commit ${tree.treePrefix}/${cluster}/` });
      }
      for (const release of matching) {
        const actual = value.path.reduce<unknown>((at, key) => (at !== null && typeof at === "object" ? (at as Record<string, unknown>)[key] : undefined), specOf(release).values);
        if (JSON.stringify(actual) !== JSON.stringify(value.value)) {
          const message = `is ${JSON.stringify(actual)}, but ${value.source} says ${JSON.stringify(value.value)} (the tree was not re-synthesized); run \`${synthHint(tree)}\` and commit ${tree.treePrefix}/`;
          problems.push(objectProblem("images", release, path, message));
        }
      }
    }
  }
  return problems;
}
