import { isFluxSource, isHelmRelease, nameOf, namespaceOf, specOf } from "../flux/flux-kinds.js";
import type { Manifest } from "../manifests/manifest.js";
import type { ChartRef, ChartValuesRegistry } from "./chart-values.js";
import { objectProblem } from "./problem.js";
import type { TreeView, ValidationProblem } from "./types.js";

/**
 * HelmRelease values against the registered chart checkers. The chart is `spec.chart.spec.chart`
 * and `.version`, or for `spec.chartRef` to an OCIRepository the last segment of its URL and its
 * `ref.tag`. Charts no checker knows are not checked.
 */
export function checkChartValues(tree: Pick<TreeView, "manifests">, registry: ChartValuesRegistry): ValidationProblem[] {
  if (registry.size === 0) return [];
  const problems: ValidationProblem[] = [];
  for (const manifest of tree.manifests) {
    if (!isHelmRelease(manifest)) continue;
    const chart = chartOf(manifest, tree.manifests);
    const checker = chart && registry.find(chart);
    if (!checker) continue;
    for (const problem of checker.check(specOf(manifest).values ?? {})) {
      problems.push(objectProblem("chart-values", manifest, `.spec.values${problem.path}`, problem.message));
    }
  }
  return problems;
}

function chartOf(release: Manifest, manifests: readonly Manifest[]): ChartRef | undefined {
  const spec = specOf(release);
  const template = (spec.chart as { spec?: { chart?: unknown; version?: unknown } } | undefined)?.spec;
  if (typeof template?.chart === "string") {
    return { name: template.chart, ...(typeof template.version === "string" ? { version: template.version } : {}) };
  }
  const ref = spec.chartRef as { kind?: unknown; name?: unknown; namespace?: unknown } | undefined;
  if (ref?.kind !== "OCIRepository" || typeof ref.name !== "string") return undefined;
  const namespace = typeof ref.namespace === "string" ? ref.namespace : namespaceOf(release);
  const source = manifests.find(
    (manifest) => manifest.cluster === release.cluster && isFluxSource(manifest) && manifest.object.kind === "OCIRepository" && nameOf(manifest) === ref.name && namespaceOf(manifest) === namespace,
  );
  const sourceSpec = source ? specOf(source) : {};
  if (typeof sourceSpec.url !== "string") return undefined;
  const tag = (sourceSpec.ref as { tag?: unknown } | undefined)?.tag;
  return { name: sourceSpec.url.replace(/\/+$/, "").split("/").pop() ?? "", ...(typeof tag === "string" ? { version: tag } : {}) };
}
