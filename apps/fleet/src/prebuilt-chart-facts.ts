import { join } from "node:path";
import { usePrebuiltChartFacts } from "@flotilla/helm";
import { repoRoot } from "./repo-paths.js";

/**
 * Where `pnpm build` writes the facts of every vendored chart archive (its defaults and CRD API
 * versions, by the archive's sha256: scripts/prebuild-chart-facts.mjs), so that a fresh clone's
 * synth never parses a values.yaml. An archive without prebuilt facts (a chart bumped since the
 * build, a side archive of `pnpm diff`) is derived at run time and kept in the cache directory.
 */
export const PREBUILT_CHART_FACTS_DIR = join(repoRoot, "apps/fleet/dist/chart-facts");

/** Makes chartFacts look in PREBUILT_CHART_FACTS_DIR first. */
export function preferPrebuiltChartFacts(): void {
  usePrebuiltChartFacts(PREBUILT_CHART_FACTS_DIR);
}
