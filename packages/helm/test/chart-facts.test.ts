import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "tar";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type ChartArchive, chartFacts, deriveChartFacts, readChartArchive, usePrebuiltChartFacts, writePrebuiltChartFacts } from "../src/index.js";
import { archive, ARCHIVES } from "./support.js";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-chart-facts-"));
});
afterAll(async () => rm(work, { recursive: true, force: true }));
afterEach(() => usePrebuiltChartFacts(undefined));

/**
 * The same archive with another gzip MTIME (header bytes 4-7): the same files, another sha256.
 * chartFacts remembers facts by digest for the process, so each test takes an archive of its own.
 */
let stamps = 0;
function restamped(which: keyof typeof ARCHIVES): ChartArchive {
  const bytes = Buffer.from(archive(which).bytes);
  bytes.writeUInt32LE(0x5eed0000 + ++stamps, 4);
  return readChartArchive(bytes, `${ARCHIVES[which]} (restamped)`);
}

const VERSION_2 = (facts: object) => JSON.stringify({ version: 2, ...facts });

describe("chart facts derived ahead of time", () => {
  it("are, for every vendored archive, what chartFacts derives from the archive itself", () => {
    const dir = join(work, "every");
    const archives = (Object.keys(ARCHIVES) as (keyof typeof ARCHIVES)[]).map((which) => archive(which));
    expect(writePrebuiltChartFacts(dir, archives).sort()).toEqual(archives.map((chart) => chart.digest).sort());
    for (const chart of archives) {
      const derived = deriveChartFacts(chart);
      expect(derived.apiVersions.length + Object.keys(derived.defaults as object).length, chart.source).toBeGreaterThan(0);
      usePrebuiltChartFacts(dir);
      expect(chartFacts(chart), chart.source).toEqual(derived);
      expect(JSON.parse(readFileSync(join(dir, `${chart.digest}.json`), "utf8")), chart.source).toEqual({ version: 2, ...derived });
    }
  });

  it("are used for an archive of the same digest: nothing is unpacked, derived or written to the cache directory", () => {
    const chart = restamped("flyte");
    const dir = join(work, "used");
    const cacheDir = join(work, "used-cache");
    const sentinel = { defaults: { prebuilt: true }, apiVersions: ["example.com/v1"] };
    writePrebuiltChartFacts(dir, []);
    writeFileSync(join(dir, `${chart.digest}.json`), VERSION_2(sentinel));
    usePrebuiltChartFacts(dir);
    let unpacked = false;
    const watched = { ...chart, get files() { unpacked = true; return chart.files; } };
    expect(chartFacts(watched, cacheDir)).toEqual(sentinel);
    expect(unpacked).toBe(false);
    expect(existsSync(join(cacheDir, "chart-facts"))).toBe(false);
  });

  it("of another archive are never used: a changed archive (another digest) is derived from its own bytes", () => {
    const original = archive("metaflow");
    const changed = restamped("metaflow");
    expect(changed.digest).not.toBe(original.digest);
    const dir = join(work, "stale");
    writePrebuiltChartFacts(dir, []);
    writeFileSync(join(dir, `${original.digest}.json`), VERSION_2({ defaults: { stale: true }, apiVersions: [] }));
    usePrebuiltChartFacts(dir);
    const cacheDir = join(work, "stale-cache");
    expect(chartFacts(changed, cacheDir)).toEqual(deriveChartFacts(changed));
    // …and kept in the cache directory, as before there were prebuilt facts.
    expect(readdirSync(join(cacheDir, "chart-facts"))).toEqual([`${changed.digest}.json`]);
  });

  it("of another facts version are ignored", () => {
    const chart = restamped("karpenter");
    const dir = join(work, "version");
    writePrebuiltChartFacts(dir, []);
    writeFileSync(join(dir, `${chart.digest}.json`), JSON.stringify({ version: 1, defaults: { old: true }, apiVersions: [] }));
    usePrebuiltChartFacts(dir);
    expect(chartFacts(chart)).toEqual(deriveChartFacts(chart));
  });

  it("are neither prebuilt nor cached when JSON cannot hold them exactly (a .nan default is derived every run)", async () => {
    const source = join(work, "nan-src", "nan");
    await mkdir(source, { recursive: true });
    await writeFile(join(source, "Chart.yaml"), "apiVersion: v2\nname: nan\nversion: 1.0.0\n");
    await writeFile(join(source, "values.yaml"), "ratio: .nan\nzero: -0\n");
    await create({ gzip: true, cwd: join(work, "nan-src"), file: join(work, "nan-1.0.0.tgz"), portable: true }, ["nan"]);
    const chart = readChartArchive(readFileSync(join(work, "nan-1.0.0.tgz")), "nan-1.0.0.tgz");
    expect(writePrebuiltChartFacts(join(work, "nan-prebuilt"), [chart])).toEqual([]);
    const cacheDir = join(work, "nan-cache");
    const facts = chartFacts(chart, cacheDir);
    expect(Object.is((facts.defaults as { zero: number }).zero, -0)).toBe(true);
    expect((facts.defaults as { ratio: number }).ratio).toBeNaN();
    expect(existsSync(join(cacheDir, "chart-facts", `${chart.digest}.json`))).toBe(false);
  });
});
