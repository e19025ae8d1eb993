import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { type ChartValuesChecker, vendoredValuesChecker } from "./chart-values.js";

/**
 * Beside a vendored chart: the value paths below which any key is valid (`VendoredValues.freeForm`),
 * a YAML list of dotted paths declared by the package that vendors the chart.
 */
export const FREE_FORM_FILE = "free-form.yaml";

/**
 * Checkers for vendored charts: every `<dir>/<any>/` holding a Chart.yaml (name, version) and a
 * values.yaml, with the free-form paths of its optional `free-form.yaml`. Missing directories are
 * skipped. `displayName` shows paths in messages. The files are read synchronously: dozens of
 * small reads, each faster than a thread-pool round trip.
 */
export async function readVendoredCharts(dirs: readonly string[], displayName: (path: string) => string = (path) => path): Promise<ChartValuesChecker[]> {
  const checkers: ChartValuesChecker[] = [];
  for (const dir of dirs) {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const entry of entries) {
      const chartDir = join(dir, entry);
      const chartYaml = readOptional(join(chartDir, "Chart.yaml"));
      const values = readValues(chartDir);
      if (chartYaml === undefined || values === undefined) continue;
      const chart = parse(chartYaml) as { name?: unknown; version?: unknown; dependencies?: unknown };
      if (typeof chart.name !== "string" || typeof chart.version !== "string") {
        throw new Error(`${displayName(join(chartDir, "Chart.yaml"))}: needs a name and a version`);
      }
      const freeForm = readFreeForm(join(chartDir, FREE_FORM_FILE), displayName);
      const defaults = withSubchartDefaults(chartDir, chart, values);
      checkers.push(
        vendoredValuesChecker({
          chart: chart.name,
          version: chart.version,
          defaults,
          source: displayName(join(chartDir, "values.yaml")),
          ...(freeForm === undefined ? {} : { freeForm }),
        }),
      );
    }
  }
  return checkers;
}

/**
 * A chart's default values: `values.json` when `scripts/chart-values-to-json.mjs` derived one from
 * the vendored values.yaml (JSON parses in a millisecond, the YAML in ~100 ms), else values.yaml.
 */
function readValues(chartDir: string): unknown {
  const json = readOptional(join(chartDir, "values.json"));
  if (json !== undefined) return JSON.parse(json) as unknown;
  const yaml = readOptional(join(chartDir, "values.yaml"));
  return yaml === undefined ? undefined : (parse(yaml) as unknown);
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw error;
  }
}

function readFreeForm(path: string, displayName: (path: string) => string): string[] | undefined {
  const text = readOptional(path);
  if (text === undefined) return undefined;
  const paths = parse(text) as unknown;
  if (!Array.isArray(paths) || !paths.every((entry) => typeof entry === "string" && /^[^.\s]+(\.[^.\s]+)*$/.test(entry))) {
    throw new Error(`${displayName(path)}: expected a YAML list of dotted value paths such as "configmap.k8s" ("*" matches one key)`);
  }
  return paths as string[];
}

/**
 * An umbrella chart's defaults as Helm sees them: each dependency vendored under
 * `charts/<name>/values.yaml` contributes its values under its name (or alias), overridden by
 * the parent's values for it. Dependencies that are not vendored keep the parent's values only.
 */
function withSubchartDefaults(chartDir: string, chart: { dependencies?: unknown }, defaults: unknown): unknown {
  if (!Array.isArray(chart.dependencies) || !isMap(defaults)) return defaults;
  const merged: Record<string, unknown> = { ...defaults };
  for (const dependency of chart.dependencies as { name?: unknown; alias?: unknown }[]) {
    if (typeof dependency?.name !== "string") continue;
    const values = readValues(join(chartDir, "charts", dependency.name));
    if (values === undefined) continue;
    const key = typeof dependency.alias === "string" ? dependency.alias : dependency.name;
    merged[key] = mergeValues(values, merged[key]);
  }
  return merged;
}

/** Helm's coalescing: maps merge key by key, anything else from `override` when given. */
function mergeValues(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isMap(base) || !isMap(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = mergeValues(base[key], value);
  return merged;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
