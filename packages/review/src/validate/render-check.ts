import type { ReleaseRender } from "@flotilla/helm";
import { isHelmRelease, nameOf, namespaceOf } from "../flux/flux-kinds.js";
import { objectProblem } from "./problem.js";
import type { TreeView, ValidationProblem } from "./types.js";

/** Every HelmRelease renders and post-renders: each render problem, on the HelmRelease's file and field. */
export function checkRenders(tree: Pick<TreeView, "manifests">, renders: ReadonlyMap<string, readonly ReleaseRender[]>, sourceOf?: (cluster: string) => string | undefined): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const manifest of tree.manifests) {
    if (!isHelmRelease(manifest)) continue;
    const render = renders.get(manifest.cluster)?.find((entry) => entry.namespace === namespaceOf(manifest) && entry.name === nameOf(manifest));
    if (!render) continue;
    const { result } = render;
    const chart = result.chart ? ` (${result.chart.name} ${result.chart.version} from ${result.chart.source}, release ${result.releaseName} in ${result.namespace})` : "";
    const source = sourceOf?.(manifest.cluster);
    const fix = source === undefined ? "" : `; change what sets it in ${source}`;
    for (const problem of result.problems) {
      problems.push(objectProblem("render", manifest, `.${problem.field}`, `helm-controller could not install this release: ${problem.message}${chart}${fix}`));
    }
  }
  return problems;
}
