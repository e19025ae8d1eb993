import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { execTool, runTool, startToolSpawner } from "../src/run-tool.js";
import { resolveHelm, resolveKubectl } from "../src/index.js";
import { cacheDir } from "./support.js";

describe("helm and kubectl started from a spawner", () => {
  it("give what they give started from this process: output, and the error lines of a failure", async () => {
    const helm = await resolveHelm({ cacheDir });
    const kubectl = await resolveKubectl({ cacheDir });
    const env = { ...process.env, HELM_CONFIG_HOME: "/nonexistent", KUBECONFIG: "/dev/null" };
    const spawner = startToolSpawner();
    try {
      const runs: [string, string[]][] = [
        [kubectl.path, ["version", "--client", "-o", "json"]],
        [helm.path, ["template", "x", "/nonexistent/chart"]],
        [helm.path, ["version", "--short"]],
      ];
      const here = await Promise.all(runs.map(([path, args]) => runTool(path, args, env)));
      const there = await Promise.all(runs.map(([path, args]) => runTool(path, args, env, spawner)));
      expect(there).toEqual(here);
      expect(here.map((run) => run.ok)).toEqual([true, false, true]);
      expect(here[1]).toEqual({ ok: false, error: expect.stringContaining("/nonexistent/chart") });
    } finally {
      await spawner.close();
    }
  });

  it("runs at most `concurrency` programs at once, the rest queued in the spawner, and gives execFile's error code", async () => {
    const spawner = startToolSpawner({ concurrency: 2 });
    try {
      // Each prints when it started and ended (ms): with two at a time, the third starts after one of the first two ended.
      const span = () => execTool("/bin/sh", ["-c", "date +%s%3N; sleep 0.3; date +%s%3N"], process.env, spawner);
      const runs = await Promise.all([span(), span(), span()]);
      const [first, second, third] = runs.map((run) => run.stdout.trim().split("\n").map(Number)) as [[number, number], [number, number], [number, number]];
      expect(third[0]).toBeGreaterThanOrEqual(Math.min(first[1], second[1]));
      expect(second[0]).toBeLessThan(first[1]);
      const missing = await execTool("/nonexistent/kubectl", ["version"], process.env, spawner);
      expect(missing.error).toMatchObject({ code: "ENOENT" });
      expect(await execTool("/bin/sh", ["-c", "echo no >&2; exit 3"], process.env, spawner)).toEqual(await execTool("/bin/sh", ["-c", "echo no >&2; exit 3"], process.env));
    } finally {
      await spawner.close();
    }
  });

  it("runs them from this process when the spawner cannot start", async () => {
    const kubectl = await resolveKubectl({ cacheDir });
    const spawner = startToolSpawner({ nodePath: "/nonexistent/node" });
    const run = await runTool(kubectl.path, ["version", "--client", "-o", "json"], { ...process.env, KUBECONFIG: "/dev/null" }, spawner);
    expect(run.ok).toBe(true);
    await spawner.close();
  });

  it("lets a process wait for its close, and does not keep the process alive when it is not closed", () => {
    // The built module (pnpm build): a plain Node process cannot import the TypeScript source.
    const module = fileURLToPath(new URL("../dist/run-tool.js", import.meta.url));
    const script = `const { runTool, startToolSpawner } = await import(${JSON.stringify(module)}); const run = await runTool("/bin/echo", ["hello"], process.env, startToolSpawner()); console.log(run.ok && run.stdout.trim());`;
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 20_000 });
    expect(output.trim()).toBe("hello");
    // Closed at the end of a module's top-level await: the wait for the spawner's exit keeps Node running (no exit 13).
    const closing = `const { runTool, startToolSpawner } = await import(${JSON.stringify(module)}); const spawner = startToolSpawner(); const run = await runTool("/bin/echo", ["closed"], process.env, spawner); await spawner.close(); console.log(run.ok && run.stdout.trim());`;
    expect(execFileSync(process.execPath, ["--input-type=module", "-e", closing], { encoding: "utf8", timeout: 20_000 }).trim()).toBe("closed");
  });
});
