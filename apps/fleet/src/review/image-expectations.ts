import { join } from "node:path";
import { type FleetProblem, IMAGE_TAGS_FILE, type LoadedCluster } from "@flotilla/fleet";
import type { ChartValuesRegistry, ExpectedImageValue } from "@flotilla/review";
import { type ImageTagsLocation, readImageTags } from "../image-tags.js";
import { resolveImageValues } from "../image-values.js";
import { platformChart } from "../platform-charts.js";

/**
 * For `pnpm validate`: by cluster, the HelmRelease values the automated images must have in the
 * tree, from the clusters' images.yaml (read and checked as synth does; `fleet`: every cluster
 * that loaded, when `clusters` is a `--cluster` selection; `rejected`: clusters of the fleet whose
 * files did not load).
 */
export async function imageValueExpectations(
  clusters: readonly LoadedCluster[],
  location: ImageTagsLocation,
  charts: ChartValuesRegistry,
  fleet: readonly LoadedCluster[] = clusters,
  rejected: readonly string[] = [],
): Promise<{ expected: Map<string, ExpectedImageValue[]>; problems: FleetProblem[] }> {
  const tags = await readImageTags(location, clusters, fleet, rejected);
  const resolved = resolveImageValues(clusters, tags.tags, charts);
  const expected = new Map<string, ExpectedImageValue[]>();
  for (const [cluster, values] of resolved.values) {
    const source = location.displayName(join(location.dir, cluster, IMAGE_TAGS_FILE));
    expected.set(
      cluster,
      values.map((value) => ({ chart: platformChart(value.platform).chart, path: value.path, value: value.value, source })),
    );
  }
  return { expected, problems: [...tags.problems, ...resolved.problems] };
}
