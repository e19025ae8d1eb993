/**
 * The built CLI's release gate answers from its cache (release-gate.json) only what it checked
 * before with the same inputs: a Helm whose output differs (another version, so other renders)
 * under an unchanged tree is checked again and refused, and the answers for the real Helm stay right.
 */
import { existsSync } from "node:fs";
import { chmod, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveHelm } from "@flotilla/helm";
import { flotilla, repoRoot } from "./support/flotilla-cli.js";
import { tempDirs } from "./support/temp-dirs.js";

const tempDir = tempDirs();

/** Every chart's output gains a ConfigMap whose config file sets `a` twice (check (d), duplicate keys). */
const EXTRA_DOCUMENT = ["---", "# Source: shim/templates/extra.yaml", "apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: shim-extra", "data:", "  config.yaml: |", "    a: 1", "    a: 2"];

describe("the release gate's cache follows the renders", () => {
  it("an unchanged tree rendered by another Helm is checked again; the real Helm's answers are still reused", async () => {
    const real = await resolveHelm({ cacheDir: join(repoRoot, "node_modules/.cache/flotilla") });
    const shim = await tempDir("flotilla-helm-other-");
    await writeFile(
      join(shim, "helm"),
      [
        "#!/bin/sh",
        `if [ "$1" = version ]; then echo "${real.version}-other"; exit 0; fi`,
        `if [ "$1" = template ]; then "${real.path}" "$@" || exit $?; printf '%s\\n' ${EXTRA_DOCUMENT.map((line) => `'${line}'`).join(" ")}; exit 0; fi`,
        `exec "${real.path}" "$@"`,
        "",
      ].join("\n"),
    );
    await chmod(join(shim, "helm"), 0o755);
    const cacheDir = await tempDir("flotilla-gate-");
    const gateFile = join(cacheDir, "release-gate.json");
    // Without its up-to-date stamp, each run goes through the gate.
    const check = (env: Record<string, string> = {}) => {
      const result = flotilla(["synth", "--check", "--cache-dir", cacheDir], { env });
      return rm(join(cacheDir, "up-to-date"), { recursive: true, force: true }).then(() => result);
    };
    const otherHelm = { PATH: `${shim}:${process.env.PATH}` };

    const cold = await check();
    expect(cold.stderr).toBe("");
    expect(cold.code).toBe(0);
    // The vendored archives' facts come from the build (apps/fleet/dist/chart-facts): none derived.
    expect(existsSync(join(cacheDir, "chart-facts"))).toBe(false);
    const learnt = await readFile(gateFile, "utf8");
    expect(Object.keys((JSON.parse(learnt) as { checks: object }).checks)).toHaveLength(4); // dev and prod: each whole, and its releases' output

    // Every answer from the file: nothing new learnt, nothing written.
    expect((await check()).code).toBe(0);
    expect(await readFile(gateFile, "utf8")).toBe(learnt);

    const refused = await check(otherHelm);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    for (const cluster of ["dev", "prod"]) {
      expect(refused.stderr).toMatch(new RegExp(`^${cluster}: HelmRelease flux-system/\\S+: ConfigMap \\S+/shim-extra: \\.data\\["config\\.yaml"\\]: config\\.yaml writes "a" twice .*\\[duplicate-keys\\]$`, "m"));
    }

    expect((await check()).code).toBe(0);
    const again = await check(otherHelm);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(refused.stderr);
  }, 300_000);
});
