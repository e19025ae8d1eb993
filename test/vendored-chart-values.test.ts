import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./support/synth-cli.js";

const valuesFiles = execFileSync("git", ["ls-files", "packages/*/charts/**/values.yaml"], { cwd: repoRoot, encoding: "utf8" })
  .split("\n")
  .filter(Boolean);

describe("vendored chart values", () => {
  it("are vendored for the platforms", () => {
    expect(valuesFiles.length).toBeGreaterThanOrEqual(3);
  });

  it.each(valuesFiles)("%s has a values.json equal to it (scripts/chart-values-to-json.mjs)", (file) => {
    const json = join(repoRoot, file.replace(/values\.yaml$/, "values.json"));
    expect(existsSync(json)).toBe(true);
    expect(JSON.parse(readFileSync(json, "utf8"))).toEqual(parse(readFileSync(join(repoRoot, file), "utf8")));
  });
});
