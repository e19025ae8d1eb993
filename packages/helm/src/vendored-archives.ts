import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type ChartArchive, vendoredChartArchive } from "./chart-archive.js";
import type { ChartSource } from "./chart-source.js";
import type { ChartArchives } from "./cluster-releases.js";

/** A vendored archive's file name: `<chart>-<version>.tgz` (`flyte-core-v1.16.8.tgz`). */
const ARCHIVE_NAME = /^(.+)-(v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)\.tgz$/;

/**
 * The chart archives vendored in `dirs` (each `packages/<package>/charts/`): every
 * `<chart>-<version>.tgz`, sorted by path. Missing directories are skipped. Only the bytes are
 * read (and hashed); an archive is unpacked when something needs its files.
 */
export function readVendoredArchives(dirs: readonly string[], displayName: (path: string) => string = (path) => path): ChartArchive[] {
  const archives: ChartArchive[] = [];
  for (const dir of dirs) {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const entry of entries) {
      const match = ARCHIVE_NAME.exec(entry);
      if (!match) continue;
      const path = join(dir, entry);
      archives.push(vendoredChartArchive(readFileSync(path), displayName(path), match[1]!, match[2]!, path));
    }
  }
  return archives;
}

const stripV = (version: string) => version.replace(/^v/, "");

/** Finds an archive by the chart a source serves: same name, same version (a leading `v` ignored). */
export function archiveRegistry(archives: readonly ChartArchive[]): ChartArchives {
  return {
    find: (source: ChartSource) => archives.find((archive) => archive.name === source.chart && source.version !== undefined && stripV(archive.version) === stripV(source.version)),
  };
}
