import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const main = fileURLToPath(new URL("../../apps/fleet/dist/bundle/synth.js", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

let cacheDir: string | undefined;

/** The render cache of this test process's synth runs: tests never read or grow the developer's cache. */
function testCacheDir(): string {
  if (cacheDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "flotilla-test-cache-"));
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    cacheDir = dir;
  }
  return cacheDir;
}

/** Runs the built synth CLI (the bundle `pnpm synth` runs; `pnpm test` builds first) as users do, in its own process. */
export function synthCli(...args: string[]): CliResult {
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`pnpm build\` (pnpm test does) first`);
  const result = spawnSync(process.execPath, [main, "--cache-dir", testCacheDir(), ...args], { encoding: "utf8", cwd: repoRoot });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
