import type { FleetProblem } from "@flotilla/fleet";
import { type ClusterDocuments, describeObject, isKubeObject } from "@flotilla/render";
import type { ChartValuesRegistry, Manifest } from "@flotilla/review/charts";
import { vendoredChartDirs } from "./review/chart-dirs.js";
import { displayPath, repoRoot } from "./repo-paths.js";

/**
 * The values checkers of the vendored chart archives (`packages/*\/charts/<chart>-<version>.tgz`,
 * or those in `chartDirs`), built on the first call only: generated fleets without platforms never
 * load them. The defaults come prebuilt for the vendored archives (prebuilt-chart-facts.ts); `cacheDir`
 * keeps those derived at run time (chartFacts).
 */
export function vendoredChartValues(chartDirs?: readonly string[], cacheDir?: string): () => Promise<ChartValuesRegistry> {
  let loaded: Promise<ChartValuesRegistry> | undefined;
  return () =>
    (loaded ??= (async () => {
      const [{ ChartValuesRegistry, readVendoredCharts }, { preferPrebuiltChartFacts }] = await Promise.all([import("@flotilla/review/charts"), import("./prebuilt-chart-facts.js")]);
      preferPrebuiltChartFacts();
      const registry = new ChartValuesRegistry();
      const checkers = await readVendoredCharts(chartDirs ?? (await vendoredChartDirs(repoRoot)), { displayName: displayPath, ...(cacheDir === undefined ? {} : { cacheDir }) });
      for (const checker of checkers) registry.register(checker);
      return registry;
    })());
}

/**
 * Synth's check of every rendered HelmRelease's values against the values.yaml of its chart
 * version's vendored archive (`packages/*\/charts/<chart>-<version>.tgz`, with the package's
 * `<chart>-<version>.free-form.yaml`): the same
 * checker as `pnpm validate`. Helm ignores unknown keys, so a typo would otherwise deploy silently.
 * Each problem names the cluster file, the setting that renders the release (when known), the
 * HelmRelease, the value path and the nearest valid key.
 */
export async function checkRenderedChartValues(clusters: readonly ClusterDocuments[], charts: () => Promise<ChartValuesRegistry>): Promise<FleetProblem[]> {
  if (!clusters.some((cluster) => cluster.documents.some((document) => (document.object as { kind?: unknown }).kind === "HelmRelease"))) return [];
  const { checkChartValues } = await import("@flotilla/review/charts");
  const registry = await charts();
  const problems: FleetProblem[] = [];
  for (const cluster of clusters) {
    // Every object of the cluster, so that a chartRef finds its OCIRepository.
    const manifests = cluster.documents.map(
      (document): Manifest => ({
        file: `${cluster.cluster}/${document.dir}`,
        cluster: cluster.cluster,
        dir: document.dir,
        doc: 0,
        object: document.object as Record<string, unknown>,
        key: "",
        generated: true,
      }),
    );
    // A release's problem is the setting's that renders it (`platforms.flyte`), which the user wrote.
    const origins = new Map(cluster.documents.flatMap((document) => (document.origin === undefined || !isKubeObject(document.object) ? [] : [[describeObject(document.object), document.origin] as const])));
    for (const problem of checkChartValues({ manifests }, registry)) {
      const origin = origins.get(problem.object);
      problems.push(
        origin === undefined
          ? { file: cluster.source, path: `${problem.object} ${problem.path}`, message: problem.message }
          : { file: cluster.source, path: origin, message: `${problem.object} ${problem.path}: ${problem.message}` },
      );
    }
  }
  return problems;
}
