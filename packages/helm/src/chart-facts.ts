import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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

/**
 * The archive's facts, kept in `<cacheDir>/chart-facts/<digest>.json` when a cache directory is
 * given: parsing a chart's values.yaml takes ~100 ms, reading the JSON ~1 ms. Keyed by the
 * archive's sha256, so a changed archive is read again.
 */
export function chartFacts(archive: ChartArchive, cacheDir?: string): ChartFacts {
  const known = memo.get(archive.digest);
  if (known) return known;
  const file = cacheDir === undefined ? undefined : join(cacheDir, "chart-facts", `${archive.digest}.json`);
  let facts: ChartFacts | undefined;
  if (file) {
    try {
      const cached = JSON.parse(readFileSync(file, "utf8")) as ChartFacts & { version?: number };
      if (cached.version === FACTS_VERSION) facts = { defaults: cached.defaults, apiVersions: cached.apiVersions };
    } catch {
      // not cached yet, or unreadable: derive again
    }
  }
  if (!facts) {
    facts = { defaults: chartDefaults(archive), apiVersions: crdApiVersions(archive) };
    if (file) {
      try {
        mkdirSync(join(cacheDir!, "chart-facts"), { recursive: true });
        const temp = `${file}.${process.pid}.tmp`;
        writeFileSync(temp, JSON.stringify({ version: FACTS_VERSION, ...facts }));
        renameSync(temp, file);
      } catch {
        // a cache that cannot be written only costs time
      }
    }
  }
  memo.set(archive.digest, facts);
  return facts;
}
