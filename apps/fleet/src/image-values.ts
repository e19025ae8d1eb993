import type { PlatformValue } from "@flotilla/cluster";
import { automatedImages, type FleetProblem, type LoadedCluster, type PlatformRegistry } from "@flotilla/fleet";
import { PLATFORMS } from "@flotilla/platforms";
import { describeUnknownField } from "@flotilla/render";
import type { ChartValuesRegistry } from "@flotilla/review/charts";
import type { ImageRef } from "./image-tags-file.js";
import { platformChart } from "./platform-charts.js";

/**
 * How a chart value holds an image: three parts (argo-workflows), repository and tag (flyte-core,
 * metaflow-service), name and tag (metaflow-ui), one string.
 */
export type ImageValueShape = "registry+repository+tag" | "repository+tag" | "name+tag" | "reference";

/** An image reference (`[registry/]repository[:tag][@digest]`, lowercase path) with a registry, path or tag: not a bare word like "info". */
const IMAGE_REFERENCE =
  /^(?:[a-z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:[._-]+[a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/**
 * The shape of an image value after the chart's default there and the value's key; `undefined`
 * when it is not an image: a string is one only when it is empty or an image reference, or its key
 * is `image` (a pullPolicy "IfNotPresent" is not).
 */
export function imageValueShape(chartDefault: unknown, key: string): ImageValueShape | undefined {
  if (typeof chartDefault === "string") {
    const reference = chartDefault === "" || (IMAGE_REFERENCE.test(chartDefault) && /[/:@]/.test(chartDefault));
    return reference || key === "image" ? "reference" : undefined;
  }
  if (chartDefault === null || typeof chartDefault !== "object" || Array.isArray(chartDefault)) return undefined;
  const has = (part: string) => Object.hasOwn(chartDefault, part);
  if (!has("tag")) return undefined;
  if (has("repository")) return has("registry") ? "registry+repository+tag" : "repository+tag";
  return has("name") ? "name+tag" : undefined;
}

/** The values (below the value's path; `key` undefined for the value itself) that write `ref` in `shape`. */
export function imageValueParts(shape: ImageValueShape, ref: ImageRef): { key: string | undefined; value: string }[] {
  switch (shape) {
    case "reference":
      return [{ key: undefined, value: `${ref.repository}:${ref.tag}` }];
    case "name+tag":
      return [
        { key: "name", value: ref.repository },
        { key: "tag", value: ref.tag },
      ];
    case "repository+tag":
      return [
        { key: "repository", value: ref.repository },
        { key: "tag", value: ref.tag },
      ];
    case "registry+repository+tag": {
      const slash = ref.repository.indexOf("/");
      return [
        { key: "registry", value: ref.repository.slice(0, slash) },
        { key: "repository", value: ref.repository.slice(slash + 1) },
        { key: "tag", value: ref.tag },
      ];
    }
  }
}

/**
 * The platform values of every cluster's automated images (`flux.images[].automate.values`), from
 * the current images of images.yaml, shaped after the vendored chart values at each path. A path
 * the chart does not have, or whose default is not an image (see `imageValueShape`), is a problem
 * of the cluster file at that field.
 */
export function resolveImageValues(
  clusters: readonly LoadedCluster[],
  tags: ReadonlyMap<string, ReadonlyMap<string, ImageRef>>,
  charts: ChartValuesRegistry,
  platforms: PlatformRegistry = PLATFORMS,
): { values: Map<string, PlatformValue[]>; problems: FleetProblem[] } {
  const values = new Map<string, PlatformValue[]>();
  const problems: FleetProblem[] = [];
  for (const { file, spec } of clusters) {
    const clusterValues: PlatformValue[] = [];
    values.set(spec.name, clusterValues);
    for (const image of automatedImages(spec)) {
      const index = spec.flux.images.indexOf(image);
      image.automate.values.forEach((target, j) => {
        const field = `flux.images[${index}].automate.values[${j}].path`;
        const chart = platformChart(target.platform, platforms);
        const checker = charts.find({ name: chart.chart, version: chart.version });
        if (checker === undefined) {
          problems.push({ file, path: field, message: `no vendored values of ${chart.chart} ${chart.version} to check ${JSON.stringify(target.path)} against (packages/*/charts/)` });
          return;
        }
        const path = target.path.split(".");
        const found = checker.defaultAt(path);
        if (!found.found) {
          problems.push({ file, path: field, message: `${JSON.stringify(target.path)} is not a value of ${checker.description}: ${JSON.stringify(found.missing)}: ${describeUnknownField(found.missing, found.known)}` });
          return;
        }
        const shape = imageValueShape(found.value, path[path.length - 1]!);
        if (shape === undefined) {
          problems.push({
            file,
            path: field,
            message:
              `${JSON.stringify(target.path)} of ${checker.description} is ${JSON.stringify(found.value)}, not an image: point at an image value, ` +
              `a map with repository and tag (and registry) or with name and tag, or a string that is an image reference such as "repo:tag" (or a key named image)`,
          });
          return;
        }
        const ref = tags.get(spec.name)?.get(image.name);
        if (ref === undefined) return; // images.yaml has a problem for this image, reported with it
        for (const part of imageValueParts(shape, ref)) clusterValues.push({ platform: target.platform, path: part.key === undefined ? path : [...path, part.key], value: part.value });
      });
    }
  }
  return { values, problems };
}
