import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runTool, startToolSpawner } from "../src/run-tool.js";
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
