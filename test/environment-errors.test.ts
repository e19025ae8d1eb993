import { execFileSync, spawnSync } from "node:child_process";
import { cp, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { flotillaMain, repoRoot } from "./support/flotilla-cli.js";

let work: string;
const canMount = spawnSync("unshare", ["--mount", "true"]).status === 0;
if (!canMount) console.warn("environment-errors: `unshare --mount` is not permitted here; the ENOSPC test is skipped");
const canUnshareNet = spawnSync("unshare", ["--net", "true"]).status === 0;
if (!canUnshareNet) console.warn("environment-errors: `unshare --net` is not permitted here; the real-credential test is skipped");

/** Aliases nested nine deep, nine each: 9^9 references once expanded. */
function aliasBomb(): string {
  let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb, namespace: default}\nextra:\n  a: &a [x, x, x, x, x, x, x, x, x]\n";
  for (let level = 1; level < 9; level++) {
    const name = String.fromCharCode(97 + level);
    text += `  ${name}: &${name} [${Array(9).fill(`*${String.fromCharCode(96 + level)}`).join(", ")}]\n`;
  }
  return text;
}

function expectOneLine(result: { status: number | null; stderr: string }, pattern: RegExp): void {
  expect(result.status).toBe(2);
  expect(result.stderr.trim().split("\n")).toEqual([expect.stringMatching(pattern)]);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-env-"));
  await cp(join(repoRoot, "clusters"), join(work, "clusters"), { recursive: true });
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: work });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  await writeFile(join(work, "clusters/dev/infrastructure/configmap_default_bomb.yaml"), aliasBomb());
});
afterAll(async () => rm(work, { recursive: true, force: true }));

describe("environment failures: one line of cause and fix, exit 2", () => {
  it("an alias bomb in clusters/ stops validate", () => {
    const result = spawnSync(process.execPath, [flotillaMain, "validate", "--tree", join(work, "clusters")], { encoding: "utf8", cwd: work });
    expectOneLine(result, /^flotilla: dev\/infrastructure\/configmap_default_bomb\.yaml: refused: .*alias bomb.*remove them/);
  });

  it("an alias bomb in clusters/ stops diff", () => {
    const result = spawnSync(process.execPath, [flotillaMain, "diff", "--tree", join(work, "clusters"), "--base", "main"], { encoding: "utf8", cwd: work });
    expectOneLine(result, /^flotilla: dev\/infrastructure\/configmap_default_bomb\.yaml: refused: .*alias bomb/);
  });

  it.skipIf(!canMount)("a full disk (ENOSPC) while synth writes: one line, nothing half-written, no staging left", async () => {
    // Outside the test's Git repository (where git.path would have to name it).
    const disk = await mkdtemp(join(tmpdir(), "flotilla-disk-"));
    onTestFinished(() => rm(disk, { recursive: true, force: true }));
    const script = `mount -t tmpfs -o size=96k tmpfs "$1" && "$2" "$3" synth --out "$1/clusters" --cache-dir "$4"; code=$?; ls -A "$1"; exit $code`;
    const result = spawnSync("unshare", ["--mount", "sh", "-c", script, "sh", disk, process.execPath, flotillaMain, join(work, "cache")], { encoding: "utf8", cwd: repoRoot });
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^flotilla: no space left on the device.*free some space/)]);
    expect(result.stdout.trim()).toBe(""); // neither clusters/ nor a staging directory on the full disk
    expect(await readdir(disk)).toEqual([]);
  });

  it.skipIf(!canUnshareNet)("no Azure sign-in, with the real DefaultAzureCredential: the credentials tried and why each failed on one line, no links, then the fix", async () => {
    // No network (the managed identity probe fails at once), no Azure variables, no az/azd/pwsh on PATH, an empty HOME.
    const home = await mkdtemp(join(tmpdir(), "flotilla-home-"));
    onTestFinished(() => rm(home, { recursive: true, force: true }));
    const env = { PATH: "/usr/bin:/bin", HOME: home, TMPDIR: tmpdir() };
    const result = spawnSync("unshare", ["--net", process.execPath, flotillaMain, "bootstrap", "plan"], { encoding: "utf8", cwd: repoRoot, env });
    expect(result.status, result.stderr).toBe(2);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Cannot get an Azure token \(DefaultAzureCredential\): no credential of the chain worked: EnvironmentCredential is unavailable\b.*; ManagedIdentityCredential\b.*; .*Azure CLI could not be found\b/);
    expect(lines[0]).not.toMatch(/https?:|aka\.ms|To troubleshoot|Ensure /);
    expect(lines[0]!.length).toBeLessThan(700);
    expect(lines[1]).toMatch(/^Sign in first \(e\.g\. `az login`\).*AZURE_CLIENT_ID.*managed or workload identity\.$/);
  });
});
