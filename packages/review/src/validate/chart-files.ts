import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { type ChartValuesChecker, vendoredValuesChecker } from "./chart-values.js";

/**
 * Checkers for vendored charts: every `<dir>/<any>/` holding a Chart.yaml (name, version) and a
 * values.yaml. Missing directories are skipped. `displayName` shows paths in messages.
 */
export async function readVendoredCharts(dirs: readonly string[], displayName: (path: string) => string = (path) => path): Promise<ChartValuesChecker[]> {
  const checkers: ChartValuesChecker[] = [];
  for (const dir of dirs) {
    let entries: string[];
    try {
      entries = (await readdir(dir)).sort();
    } catch {
      continue;
    }
    for (const entry of entries) {
      const chartDir = join(dir, entry);
      const [chartYaml, valuesYaml] = await Promise.all([readOptional(join(chartDir, "Chart.yaml")), readOptional(join(chartDir, "values.yaml"))]);
      if (chartYaml === undefined || valuesYaml === undefined) continue;
      const chart = parse(chartYaml) as { name?: unknown; version?: unknown };
      if (typeof chart.name !== "string" || typeof chart.version !== "string") {
        throw new Error(`${displayName(join(chartDir, "Chart.yaml"))}: needs a name and a version`);
      }
      checkers.push(vendoredValuesChecker({ chart: chart.name, version: chart.version, defaults: parse(valuesYaml) as unknown, source: displayName(join(chartDir, "values.yaml")) }));
    }
  }
  return checkers;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw error;
  }
}
