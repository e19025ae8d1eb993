import { readFileSync } from "node:fs";
import { type ChartArchive, chartFacts, readVendoredArchives } from "@flotilla/helm";
import { parse } from "yaml";
import { type ChartValuesChecker, vendoredValuesChecker } from "./chart-values.js";

/**
 * Beside a vendored archive `<chart>-<version>.tgz`: `<chart>-<version>.free-form.yaml`, the value
 * paths below which any key is valid (`VendoredValues.freeForm`), a YAML list of dotted paths
 * declared by the package that vendors the chart (flotilla's own data, not the chart's).
 */
export const FREE_FORM_SUFFIX = ".free-form.yaml";

export interface ReadChartsOptions {
  /** Shows paths in messages. */
  displayName?: (path: string) => string;
  /** Where derived chart facts (the defaults) are cached by archive digest; default none. */
  cacheDir?: string;
}

/**
 * Checkers for the vendored chart archives in `dirs` (`packages/<package>/charts/<chart>-<version>.tgz`):
 * the defaults come from the archive's values.yaml and its subcharts' (chartFacts), the free-form
 * paths from the package's optional `<chart>-<version>.free-form.yaml`. Missing directories are skipped.
 */
export async function readVendoredCharts(dirs: readonly string[], options: ReadChartsOptions = {}): Promise<ChartValuesChecker[]> {
  const displayName = options.displayName ?? ((path: string) => path);
  return vendoredChartCheckers(readVendoredArchives(dirs, displayName), options);
}

/** Checkers for archives already read (readVendoredArchives), e.g. shared with the renderer. */
export function vendoredChartCheckers(archives: readonly ChartArchive[], options: Pick<ReadChartsOptions, "cacheDir"> = {}): ChartValuesChecker[] {
  return archives.map((archive) =>
    vendoredValuesChecker({
      chart: archive.name,
      version: archive.version,
      defaults: chartFacts(archive, options.cacheDir).defaults,
      source: archive.source,
      ...freeFormOf(archive),
    }),
  );
}

function freeFormOf(archive: ChartArchive): { freeForm?: string[] } {
  if (!archive.path) return {};
  const path = archive.path.replace(/\.tgz$/, FREE_FORM_SUFFIX);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  const paths = parse(text) as unknown;
  if (!Array.isArray(paths) || !paths.every((entry) => typeof entry === "string" && /^[^.\s]+(\.[^.\s]+)*$/.test(entry))) {
    throw new Error(`${archive.source.replace(/\.tgz$/, FREE_FORM_SUFFIX)}: expected a YAML list of dotted value paths such as "configmap.k8s" ("*" matches one key)`);
  }
  return { freeForm: paths as string[] };
}
