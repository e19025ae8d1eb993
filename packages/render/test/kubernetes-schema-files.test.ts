import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { KUBERNETES_VERSIONS } from "../src/kubernetes-versions/index.js";

const SCHEMAS = new URL("../schemas/", import.meta.url);

describe("the vendored Kubernetes schemas", () => {
  const sources = readFileSync(new URL("SOURCES.md", SCHEMAS), "utf8");
  const rows = [...sources.matchAll(/^\| `(kubernetes-[\d.]+\.json)` \| v([\d.]+) \| `([0-9a-f]{64})` \|$/gm)];
  const listed = new Map(rows.map(([, file = "", version = "", digest = ""]) => [file, { version, digest }]));

  it("are exactly the files SOURCES.md lists, one per supported version", () => {
    const files = readdirSync(SCHEMAS).filter((name) => name.endsWith(".json")).sort();
    expect(files).toEqual(KUBERNETES_VERSIONS.map((version) => `kubernetes-${version}.json`));
    expect([...listed.keys()].sort()).toEqual(files);
    for (const [file, { version }] of listed) expect(`kubernetes-${version}.json`.replace(/\.0\.json$/, ".json")).toBe(file);
  });

  it("have the digests SOURCES.md records (vendored verbatim)", () => {
    for (const [file, { digest }] of listed) {
      expect(createHash("sha256").update(readFileSync(new URL(file, SCHEMAS))).digest("hex"), file).toBe(digest);
    }
  });
});
