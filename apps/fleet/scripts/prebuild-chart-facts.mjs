// Derives the facts of every vendored chart archive (packages/*/charts/<chart>-<version>.tgz: its
// default values and its CRDs' API versions) into dist/chart-facts/<sha256 of the archive>.json,
// so that synth, validate and diff read them instead of unpacking the archive and parsing its
// values.yaml (chartFacts of @flotilla/helm). The archive stays the one source: these files are
// derived from it on every build, and found by its digest, so a changed archive never uses them.
import { rm } from "node:fs/promises";
import { readVendoredArchives, writePrebuiltChartFacts } from "@flotilla/helm";
import { PREBUILT_CHART_FACTS_DIR } from "../dist/prebuilt-chart-facts.js";
import { repoRoot } from "../dist/repo-paths.js";
import { vendoredChartDirs } from "../dist/review/chart-dirs.js";

await rm(PREBUILT_CHART_FACTS_DIR, { recursive: true, force: true });
writePrebuiltChartFacts(PREBUILT_CHART_FACTS_DIR, readVendoredArchives(await vendoredChartDirs(repoRoot)));
