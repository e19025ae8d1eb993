import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { chartDefaults, readChartArchive } from "../src/index.js";
import { repoRoot } from "./support.js";

const packages = readdirSync(`${repoRoot}packages`).filter((name) => readdirSync(`${repoRoot}packages/${name}`).includes("charts"));

describe("vendored chart archives", () => {
  it("are the four charts flotilla installs, one package each", () => {
    const archives = packages.flatMap((name) => readdirSync(`${repoRoot}packages/${name}/charts`).filter((file) => file.endsWith(".tgz")).map((file) => `${name}/${file}`));
    expect(archives.sort()).toEqual(["argo-workflows/argo-workflows-0.47.5.tgz", "flyte/flyte-core-v1.16.8.tgz", "karpenter/karpenter-1.14.2.tgz", "metaflow/metaflow-0.1.2.tgz"]);
  });

  for (const name of packages) {
    it(`packages/${name}/charts: each archive has the sha256 its SOURCES.md states, and its Chart.yaml names it`, () => {
      const dir = `${repoRoot}packages/${name}/charts`;
      const sources = readFileSync(`${dir}/SOURCES.md`, "utf8");
      for (const file of readdirSync(dir).filter((entry) => entry.endsWith(".tgz"))) {
        const bytes = readFileSync(`${dir}/${file}`);
        const stated = new RegExp(`\\| \`${file.replaceAll(".", "\\.")}\` \\| \`([0-9a-f]{64})\` \\|`).exec(sources)?.[1];
        expect(stated, `${file} in SOURCES.md`).toBeDefined();
        expect(createHash("sha256").update(bytes).digest("hex")).toBe(stated);
        const archive = readChartArchive(bytes, file);
        expect(`${archive.name}-${archive.version}.tgz`, "vendoredChartArchive takes the name and version from the file name").toBe(file);
        expect(chartDefaults(archive)).toBeTypeOf("object");
      }
    });
  }

  it("merges subchart defaults under their names, as Helm coalesces them", () => {
    const metaflow = readChartArchive(readFileSync(`${repoRoot}packages/metaflow/charts/metaflow-0.1.2.tgz`), "metaflow");
    const defaults = chartDefaults(metaflow) as Record<string, Record<string, unknown>>;
    expect(defaults["metaflow-ui"]?.uiBackend).toBeTypeOf("object");
    expect(defaults["metaflow-service"]?.image).toBeTypeOf("object");
    expect(defaults.postgresql?.enabled).toBeDefined();
    expect((defaults.postgresql as { primary?: unknown }).primary).toBeTypeOf("object"); // from the subchart's own values.yaml
  });

  it("refuses what is not a chart archive, naming it", () => {
    expect(() => readChartArchive(Buffer.from("not a tarball"), "x.tgz")).toThrow(/^x\.tgz: not a chart archive/);
  });
});
