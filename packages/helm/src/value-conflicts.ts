/**
 * A value of the release that Helm could not merge with the chart's default because one is a table
 * (a map) and the other is not. Helm keeps the release's value and drops the chart's default there,
 * so the templates get a type they were not written for. Helm says so only in a warning on stderr
 * (its chartutil coalescing), and helm-controller installs the release all the same.
 */
export interface ValueConflict {
  /** The keys from the release's values root: `["controller", "resources"]`; a subchart's values under its name. */
  path: string[];
  /** `table`: the chart has a table there and the release sets a non-table; `value`: the reverse. */
  chart: "table" | "value";
  /** The release's value there. */
  value: unknown;
  /** The chart's default there, as Helm prints it (Go's `%v`: `map[]`, `map[cpu:1]`, ``). */
  chartDefault: string;
  /** Helm's warning, as it printed it. */
  warning: string;
}

const WARNINGS: { pattern: RegExp; chart: ValueConflict["chart"] }[] = [
  // coalesceTablesFullKey: the chart's default is a table, the release's value is not.
  { pattern: /warning: cannot overwrite table with non table for (\S+) \((.*)\)$/, chart: "table" },
  // coalesceTablesFullKey: the release's value is a table, the chart's default is not.
  { pattern: /warning: destination for (\S+) is a table\. Ignoring non-table value \((.*)\)$/, chart: "value" },
  // coalesceValues: the release's value is a table, the chart's default is not.
  { pattern: /warning: skipped value for (\S+): Not a table\.$/, chart: "value" },
];

/**
 * The conflicts Helm's stderr reports, each once, with Helm's dotted key (`<chart>.controller.resources`)
 * turned into keys of `values` (a key may itself hold dots). A warning whose key `values` does not hold is
 * kept with the dotted segments as keys.
 */
export function valueConflicts(stderr: string, chartName: string, values: Record<string, unknown>): ValueConflict[] {
  const found = new Map<string, ValueConflict>();
  for (const line of stderr.split("\n")) {
    const message = /msg="(.*)"\s*$/.exec(line)?.[1]?.replace(/\\"/g, '"') ?? line.trim();
    for (const { pattern, chart } of WARNINGS) {
      const match = pattern.exec(message);
      if (!match) continue;
      const dotted = match[1]!.startsWith(`${chartName}.`) ? match[1]!.slice(chartName.length + 1) : match[1]!;
      const path = keysOf(values, dotted.split(".")) ?? dotted.split(".");
      found.set(path.join("\0"), { path, chart, value: valueAt(values, path), chartDefault: match[2] ?? "", warning: message });
    }
  }
  return [...found.values()];
}

function valueAt(node: unknown, path: string[]): unknown {
  return path.reduce<unknown>((value, key) => (value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined), node);
}

/** The keys of `node` that spell `segments` joined by dots, or undefined when none do. */
function keysOf(node: unknown, segments: string[]): string[] | undefined {
  if (segments.length === 0) return [];
  if (node === null || typeof node !== "object" || Array.isArray(node)) return undefined;
  for (let end = segments.length; end >= 1; end--) {
    const key = segments.slice(0, end).join(".");
    if (!Object.hasOwn(node, key)) continue;
    const rest = keysOf((node as Record<string, unknown>)[key], segments.slice(end));
    if (rest) return [key, ...rest];
  }
  return undefined;
}
