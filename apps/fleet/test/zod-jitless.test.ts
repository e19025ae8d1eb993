import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// zod reads `jitless` when a schema is constructed: the setting only works when the entry point
// imports ./zod-jitless.js before any module that builds the ClusterSpec schemas.
describe("entry points that parse cluster specs", () => {
  for (const entry of ["main.ts", "validate.ts"]) {
    it(`${entry} imports zod-jitless first`, () => {
      const firstImport = /^import\s[^;]*;/m.exec(readFileSync(new URL(`../src/${entry}`, import.meta.url), "utf8"))?.[0];
      expect(firstImport).toBe('import "./zod-jitless.js";');
    });
  }
});
