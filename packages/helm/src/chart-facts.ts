import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { type ChartArchive, chartDefaults } from "./chart-archive.js";
import { crdApiVersions } from "./crd-api-versions.js";

/** What flotilla derives from a chart archive without rendering it. */
export interface ChartFacts {
  /** The chart's default values, subcharts' included (chartDefaults). */
  defaults: unknown;
  /** The API versions its CRDs add (crdApiVersions). */
  apiVersions: string[];
}

const FACTS_VERSION = 2;
const memo = new Map<string, ChartFacts>();
let prebuiltDir: string | undefined;

/**
 * Where chartFacts looks first for facts derived ahead of time (by the app's build: writePrebuiltChartFacts
 * over the vendored archives), by archive digest; undefined stops looking there.
 */
export function usePrebuiltChartFacts(dir: string | undefined): void {
  prebuiltDir = dir;
}

/**
 * The archive's facts: those derived ahead of time for an archive of the same sha256
 * (usePrebuiltChartFacts), else those kept in `<cacheDir>/chart-facts/<digest>.json` when a cache
 * directory is given, else derived from the archive (parsing a chart's values.yaml takes ~100 ms,
 * reading the JSON ~1 ms) and kept there. Keyed by the archive's sha256, so a changed archive is
 * read again.
 */
export function chartFacts(archive: ChartArchive, cacheDir?: string): ChartFacts {
  const known = memo.get(archive.digest);
  if (known) return known;
  const file = cacheDir === undefined ? undefined : factsFile(join(cacheDir, "chart-facts"), archive.digest);
  let facts = (prebuiltDir === undefined ? undefined : readFacts(factsFile(prebuiltDir, archive.digest))) ?? (file === undefined ? undefined : readFacts(file));
  if (!facts) {
    facts = deriveChartFacts(archive);
    if (file && exactInJson(facts)) {
      try {
        mkdirSync(join(cacheDir!, "chart-facts"), { recursive: true });
        writeFacts(file, facts);
      } catch {
        // a cache that cannot be written only costs time
      }
    }
  }
  memo.set(archive.digest, facts);
  return facts;
}

/** The facts as derived from the archive itself, never from a file. */
export function deriveChartFacts(archive: ChartArchive): ChartFacts {
  return { defaults: chartDefaults(archive), apiVersions: crdApiVersions(archive) };
}

/**
 * Writes each archive's facts into `dir` (`<digest>.json`, as chartFacts reads them), for those
 * whose facts JSON holds exactly (a default such as `.nan` or `-0` does not: such an archive is
 * derived at run time); returns the digests written.
 */
export function writePrebuiltChartFacts(dir: string, archives: readonly ChartArchive[]): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const archive of archives) {
    const facts = deriveChartFacts(archive);
    if (!exactInJson(facts)) continue;
    writeFacts(factsFile(dir, archive.digest), facts);
    written.push(archive.digest);
  }
  return written;
}

function factsFile(dir: string, digest: string): string {
  return join(dir, `${digest}.json`);
}

function readFacts(file: string): ChartFacts | undefined {
  try {
    const cached = JSON.parse(readFileSync(file, "utf8")) as ChartFacts & { version?: number };
    return cached.version === FACTS_VERSION ? { defaults: cached.defaults, apiVersions: cached.apiVersions } : undefined;
  } catch {
    return undefined; // not there yet, or unreadable: derive again
  }
}

function writeFacts(file: string, facts: ChartFacts): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify({ version: FACTS_VERSION, ...facts }));
  renameSync(temp, file);
}

/** Whether the facts come back from JSON exactly as derived (no NaN, -0, undefined or Infinity among the defaults). */
function exactInJson(facts: ChartFacts): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(facts)), facts);
}
