import { releaseLabel } from "./pod-templates.js";
import type { RenderedCluster, RenderedProblem, RenderedRelease } from "./types.js";

/**
 * A value the release sets where the chart has the other shape (a table against a non-table): Helm
 * keeps the release's value, drops the chart's default, and says so only in a warning, so the
 * templates get a type they were not written for.
 */
export function valueTypeProblems(cluster: RenderedCluster, release: RenderedRelease): RenderedProblem[] {
  return (release.valueConflicts ?? []).map((conflict) => {
    const at = conflict.path.join(".");
    const value = JSON.stringify(conflict.value) ?? "null";
    const effect =
      conflict.chart === "table"
        ? `the chart's default at ${at} is a table (${conflict.chartDefault}), but the release sets ${shapeOf(conflict.value)} ${value}: Helm keeps ${value} and drops the chart's table, so templates that read fields under ${at} get ${shapeOf(conflict.value)}`
        : `the chart's default at ${at} is not a table (${conflict.chartDefault === "" ? '""' : conflict.chartDefault}), but the release sets a table ${value}: Helm keeps the table and drops the chart's value, so templates that print ${at} write a Go map ("map[…]")`;
    const fix = conflict.chart === "table" ? `set ${at} to a table of the chart's keys, or remove it` : `set ${at} to a plain value like the chart's default, or remove it`;
    return {
      check: "value-types",
      cluster: cluster.cluster,
      release: releaseLabel(release.helmRelease),
      object: "",
      path: `.spec.values${conflict.path.map((key) => (/^[A-Za-z_][\w-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`)).join("")}`,
      message: `${effect} (Helm: "${conflict.warning}"). In ${cluster.source}, ${fix}`,
    };
  });
}

function shapeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "string" ? "a string" : typeof value === "number" ? "a number" : typeof value === "boolean" ? "a boolean" : "a value";
}
