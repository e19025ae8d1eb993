import { readFileSync } from "node:fs";
import * as z from "zod";
import { describe, expect, it } from "vitest";

// zod reads `jitless` when a schema is constructed: the setting only works when the entry point
// imports @flotilla/fleet/jitless before any module that builds the ClusterSpec schemas. Every
// command (bootstrap and secret too) runs from the flotilla CLI's commands module (cli/commands.ts), which
// its entry point imports before anything else that parses.
describe("entry points that parse cluster specs", () => {
  for (const entry of ["apps/fleet/src/cli/commands.ts"]) {
    it(`${entry} imports @flotilla/fleet/jitless first`, () => {
      const firstImport = /^import\s[^;]*;/m.exec(readFileSync(new URL(`../../../${entry}`, import.meta.url), "utf8"))?.[0];
      expect(firstImport).toBe('import "@flotilla/fleet/jitless";');
    });
  }

  it("@flotilla/fleet/jitless turns zod's JIT off", async () => {
    await import("@flotilla/fleet/jitless");
    expect(z.config().jitless).toBe(true);
  });
});
