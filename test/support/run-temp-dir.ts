import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * vitest global setup: one temporary directory for the whole run (FLOTILLA_TEST_RUN_DIR), removed
 * at teardown. Test workers are killed by vitest, so an exit hook in a worker cannot be relied on
 * to remove what the worker made; what they put here goes with the run.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "flotilla-test-run-"));
  process.env.FLOTILLA_TEST_RUN_DIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
