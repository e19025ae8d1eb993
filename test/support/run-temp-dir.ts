import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * vitest global setup: one temporary directory for the whole run, removed at teardown. It is also
 * TMPDIR for the workers and every process they start: workers are killed by vitest (their exit
 * hooks do not run) and a failed test skips its cleanup, so what anything puts in a temporary
 * directory goes with the run.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "flotilla-test-run-"));
  process.env.FLOTILLA_TEST_RUN_DIR = dir;
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
