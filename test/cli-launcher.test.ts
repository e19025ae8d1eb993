import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { repoRoot } from "./support/flotilla-cli.js";

it("the pnpm aliases' launcher in a checkout that was never built says so in one line, exit 2, nothing on stdout", async () => {
  const checkout = await mkdtemp(join(tmpdir(), "flotilla-unbuilt-"));
  try {
    await mkdir(join(checkout, "scripts"));
    await copyFile(join(repoRoot, "scripts/flotilla.mjs"), join(checkout, "scripts/flotilla.mjs"));
    const run = spawnSync(process.execPath, [join(checkout, "scripts/flotilla.mjs"), "synth", "--check"], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe("flotilla is not built in this checkout: run `pnpm build` (pnpm install does it once), then try again\n");
  } finally {
    await rm(checkout, { recursive: true, force: true });
  }
});

it("the launcher runs the built CLI with the user's arguments", () => {
  const run = spawnSync(process.execPath, [join(repoRoot, "scripts/flotilla.mjs"), "--version"], { encoding: "utf8" });
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^flotilla \d+\.\d+\.\d+\n$/);
});
