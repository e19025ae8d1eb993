import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deriveChartFacts, readVendoredArchives } from "@flotilla/helm";
import { PREBUILT_CHART_FACTS_DIR } from "../apps/fleet/src/prebuilt-chart-facts.js";
import { vendoredChartDirs } from "../apps/fleet/src/review/chart-dirs.js";
import { repoRoot } from "../apps/fleet/src/repo-paths.js";

describe("pnpm build's chart facts (apps/fleet/dist/chart-facts)", () => {
  it("hold, for every vendored archive and nothing else, exactly what is derived from the archive", async () => {
    const archives = readVendoredArchives(await vendoredChartDirs(repoRoot));
    expect(archives.length).toBe(4);
    expect(readdirSync(PREBUILT_CHART_FACTS_DIR).sort()).toEqual(archives.map((archive) => `${archive.digest}.json`).sort());
    for (const archive of archives) {
      const prebuilt = JSON.parse(readFileSync(join(PREBUILT_CHART_FACTS_DIR, `${archive.digest}.json`), "utf8")) as unknown;
      expect(prebuilt, archive.source).toStrictEqual({ version: 2, ...deriveChartFacts(archive) });
    }
  });
});
