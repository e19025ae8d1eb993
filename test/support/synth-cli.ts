import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliResult, flotilla, repoRoot } from "./flotilla-cli.js";

export { type CliResult, repoRoot };

let cacheDir: string | undefined;

/** The render cache of this test process's synth runs: tests never read or grow the developer's cache. */
function testCacheDir(): string {
  if (cacheDir === undefined) {
    // Inside the run's directory (vitest's global setup removes it) when there is one.
    const dir = mkdtempSync(join(process.env.FLOTILLA_TEST_RUN_DIR ?? tmpdir(), "flotilla-test-cache-"));
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    cacheDir = dir;
  }
  return cacheDir;
}

/** `flotilla synth <args>` (the built CLI `pnpm synth` runs) as users type it, in its own process, with the tests' render cache. */
export function synthCli(...args: string[]): CliResult {
  return flotilla(["synth", "--cache-dir", testCacheDir(), ...args]);
}
