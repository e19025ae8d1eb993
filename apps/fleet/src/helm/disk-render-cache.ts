import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RenderCache, RenderOutcome } from "@flotilla/helm";

/** Renders kept beyond this count are removed, oldest first, when a run has written new ones. */
const MAX_ENTRIES = 2000;

/**
 * Results on disk, one JSON file per key under `<cacheDir>/<subdir>/`. Written atomically
 * (temporary file + rename); an unreadable entry is a miss.
 */
export class DiskJsonCache<T> {
  readonly #dir: string;
  #written = 0;
  hits = 0;
  misses = 0;

  constructor(cacheDir: string, subdir: string) {
    this.#dir = join(cacheDir, subdir);
  }

  get(key: string): T | undefined {
    try {
      const outcome = JSON.parse(readFileSync(join(this.#dir, `${key}.json`), "utf8")) as T;
      this.hits += 1;
      return outcome;
    } catch {
      this.misses += 1;
      return undefined;
    }
  }

  set(key: string, outcome: T): void {
    try {
      mkdirSync(this.#dir, { recursive: true });
      const file = join(this.#dir, `${key}.json`);
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(outcome));
      renameSync(temp, file);
      this.#written += 1;
    } catch {
      // a cache that cannot be written only costs time
    }
  }

  /** Trims the directory to the newest MAX_ENTRIES renders, after a run that wrote some. */
  trim(): void {
    if (this.#written === 0) return;
    let files: string[];
    try {
      files = readdirSync(this.#dir).filter((file) => file.endsWith(".json"));
    } catch {
      return;
    }
    if (files.length <= MAX_ENTRIES) return;
    const dated = files.map((file) => ({ file, mtime: statSync(join(this.#dir, file)).mtimeMs })).sort((a, b) => b.mtime - a.mtime);
    for (const { file } of dated.slice(MAX_ENTRIES)) rmSync(join(this.#dir, file), { force: true });
  }
}

/**
 * Helm renders on disk, one JSON file per render key (chart digest, final values, Kubernetes and
 * Helm versions, API versions, post-renderers: `renderKey` of @flotilla/helm) under
 * `<cacheDir>/helm-renders/`.
 */
export class DiskRenderCache extends DiskJsonCache<RenderOutcome> implements RenderCache {
  constructor(cacheDir: string) {
    super(cacheDir, "helm-renders");
  }
}
