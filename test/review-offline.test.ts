import { execFileSync, spawnSync } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flotillaMain } from "./support/flotilla-cli.js";

const repoRoot = fileURLToPath(new URL("../", import.meta.url));
const netns = spawnSync("unshare", ["--net", "true"]).status === 0;
if (!netns) console.warn("review-offline: `unshare --net` is not permitted here (needs root or user namespaces); the network-namespace tests are skipped");

let work: string;
const git = (...args: string[]) =>
  execFileSync("git", args, { cwd: work, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" } });

/**
 * Runs `command` inside a new network namespace whose only interface is loopback, with a TCP
 * listener on 127.0.0.1 that counts every connection: the only address anything could reach.
 */
function offline(command: string[]): { code: number; stderr: string; connections: number } {
  const harness = `
    import { createServer } from "node:net";
    import { spawn } from "node:child_process";
    let connections = 0;
    const server = createServer((socket) => { connections++; socket.destroy(); });
    await new Promise((listening) => server.listen(8443, "127.0.0.1", listening));
    const child = spawn(process.argv[1], process.argv.slice(2), { cwd: ${JSON.stringify(work)}, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "" } });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const code = await new Promise((done) => child.on("close", done));
    server.close();
    console.log(JSON.stringify({ code, stderr, connections }));`;
  const result = spawnSync("unshare", ["--net", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", process.execPath, "--input-type=module", "-e", harness, ...command], {
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`harness failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { code: number; stderr: string; connections: number };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-offline-"));
  await cp(join(repoRoot, "clusters"), join(work, "clusters"), { recursive: true });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  // A pull request adds a remote base to a generated kustomization.yaml and a foreign one with a generator.
  const root = join(work, "clusters/dev/kustomization.yaml");
  await writeFile(root, (await readFile(root, "utf8")) + "  - https://127.0.0.1:8443/remote.yaml\n");
  const platforms = join(work, "clusters/dev/platforms/kustomization.yaml");
  await writeFile(platforms, (await readFile(platforms, "utf8")) + "helmCharts:\n  - name: evil\n    repo: https://127.0.0.1:8443/charts\n");
}, 60_000);
afterAll(async () => rm(work, { recursive: true, force: true }));

describe.skipIf(!netns)("validate and diff inside a network namespace", () => {
  it("the harness sees kustomize reach for a remote resource (what validate must never let it do)", () => {
    const run = offline(["kubectl", "kustomize", join(work, "clusters/dev")]);
    expect(run.connections).toBeGreaterThan(0);
  });

  it("validate refuses the remote resource and the generator without opening a connection", () => {
    const run = offline([process.execPath, flotillaMain, "validate", "--tree", join(work, "clusters"), "--no-values-effect"]);
    expect(run.connections).toBe(0);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('clusters/dev/kustomization.yaml: .resources[6]: resource "https://127.0.0.1:8443/remote.yaml" is remote');
    expect(run.stderr).toContain("clusters/dev/platforms/kustomization.yaml: .helmCharts: refused");
    expect(run.stderr).toContain("clusters/dev/kustomization.yaml: differs from what synth renders from the fleet");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("diff reports the change, refuses the remote resource, and opens no connection", () => {
    const run = offline([process.execPath, flotillaMain, "diff", "--tree", join(work, "clusters"), "--base", "main"]);
    expect(run.connections).toBe(0);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("is remote: validate and diff never fetch");
  });
});
