import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";
import { repoRoot } from "./support/flotilla-cli.js";

const bundle = join(repoRoot, "apps/fleet/dist/bundle/flotilla.js");

it("`pnpm synth` typed in a subdirectory resolves --out from that directory (pnpm runs the alias in the root and passes INIT_CWD)", () => {
  const run = spawnSync("pnpm", ["-s", "synth", "--check", "--out", "../clusters"], { cwd: join(repoRoot, "packages"), encoding: "utf8" });
  expect(run.stderr).not.toContain("missing");
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toContain("clusters/ is up to date");
});

it("a relative --fleet directory is read from the current directory by every command that loads cluster files", () => {
  const run = spawnSync(process.execPath, [bundle, "secret", "sops-config", "--check", "--fleet", "apps/fleet/src/clusters"], { cwd: repoRoot, encoding: "utf8" });
  expect(run.stderr).not.toContain("not an absolute path");
  expect(run.stderr).not.toContain("could not be compiled");
  // The example fleet directory holds no .sops.yaml of its own, so the check reports it as out of date.
  expect(run.status, run.stderr).toBe(1);
  expect(run.stderr).toMatch(/\.sops\.yaml/);
});
