import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { createValidator, type PrecompiledUnit } from "@flotilla/render/validate";
import { repoRoot } from "../src/repo-paths.js";
import { PRECOMPILED_DIR, PRECOMPILED_INDEX, readVendoredCrds } from "../src/schema-validator.js";

// The units `pnpm build` compiled ahead of time (`pnpm test` builds first) must answer exactly as
// the units ajv compiles at run time.
const crds = await readVendoredCrds();
const digests = new Set(JSON.parse(readFileSync(join(PRECOMPILED_DIR, PRECOMPILED_INDEX), "utf8")) as string[]);
const load = createRequire(join(PRECOMPILED_DIR, PRECOMPILED_INDEX));
const lookups = { found: 0, missing: 0 };
const precompiled = createValidator({
  crds,
  precompiled: (digest) => {
    if (!digests.has(digest)) {
      lookups.missing++;
      return undefined;
    }
    lookups.found++;
    return load(`./${digest}.cjs`) as PrecompiledUnit;
  },
});
const compiled = createValidator({ crds });

function renderedObjects(dir: string): Record<string, unknown>[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".yaml") && !entry.name.endsWith(".sops.yaml") && entry.name !== "kustomization.yaml")
    .flatMap((entry) => parseAllDocuments(readFileSync(join(entry.parentPath, entry.name), "utf8")).map((document) => document.toJS() as Record<string, unknown>));
}

/** Each object broken in ways the schemas catch: an unknown field, a wrong type, a bad enum, a broken pattern-bearing name. */
function broken(object: Record<string, unknown>): Record<string, unknown>[] {
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  return [
    { ...object, spec: { ...spec, notAField: true } },
    { ...object, metadata: { name: 42 } },
    { ...object, spec: { ...spec, interval: 5, suspend: "yes" } },
    { ...object, metadata: { ...(object.metadata as object), labels: { "bad key!": "x" } } },
  ];
}

describe("schema units compiled ahead of time", () => {
  const objects = renderedObjects(join(repoRoot, "clusters"));

  it("cover every unit the example fleet's objects need", () => {
    lookups.found = 0;
    lookups.missing = 0;
    for (const object of objects) precompiled.validate(object);
    expect(objects.length).toBeGreaterThan(40);
    expect(lookups.found).toBeGreaterThan(20);
    expect(lookups.missing).toBe(0);
  });

  it("report exactly what run-time compiled units report, for valid and broken objects", () => {
    const cases = objects.flatMap((object) => [object, ...broken(object)]);
    const problems = cases.map((object) => precompiled.validate(object));
    expect(problems.filter((list) => list.length > 0).length).toBeGreaterThanOrEqual(objects.length * 3);
    expect(problems).toEqual(cases.map((object) => compiled.validate(object)));
  });
});
