import { cp, mkdtemp, mkdir, rm, unlink, writeFile, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { repoRoot, synthCli } from "./support/synth-cli.js";
import { snapshotTree } from "./support/tree-snapshot.js";

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-e2e-"));
});
afterEach(async () => rm(work, { recursive: true, force: true }));

describe("synth of the example fleet", () => {
  it("renders byte-identical output on re-run and writes nothing the second time", async () => {
    const out = join(work, "clusters");
    const first = synthCli("--out", out);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const before = await snapshotTree(out);
    expect([...before.keys()]).toContain("dev/kustomization.yaml");
    expect([...before.keys()]).toContain("prod/infrastructure/kustomization.yaml");

    const second = synthCli("--out", out);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("nothing written");
    expect(await snapshotTree(out)).toEqual(before);
  });

  it("matches the committed clusters/ tree", () => {
    const result = synthCli("--check");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/is up to date \(2 clusters\)/);
  });

  it("matches it with every object validated again (--no-cache)", () => {
    const result = synthCli("--check", "--no-cache");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/is up to date \(2 clusters\)/);
  });

  it("--check reports a hand edit, a missing file and a stale file, and changes nothing", async () => {
    const out = join(work, "clusters");
    await cp(join(repoRoot, "clusters"), out, { recursive: true });
    const edited = join(out, "dev/infrastructure/kustomization.yaml");
    await writeFile(edited, `${await readFile(edited, "utf8")}  - hand-added.yaml\n`);
    await unlink(join(out, "prod/kustomization_flux-system_platforms.yaml"));
    const staleHeader = (await readFile(join(out, "dev/kustomization.yaml"), "utf8")).split("\n").slice(0, 2).join("\n");
    await writeFile(join(out, "dev/platforms/namespace_old.yaml"), `${staleHeader}\nkind: Namespace\n`);
    const before = await snapshotTree(out);

    const result = synthCli("--check", "--out", out);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("1 drifted, 1 missing, 1 stale");
    expect(result.stderr).toMatch(/drifted .*dev\/infrastructure\/kustomization\.yaml/);
    expect(result.stderr).toMatch(/missing .*prod\/kustomization_flux-system_platforms\.yaml/);
    expect(result.stderr).toMatch(/stale +.*dev\/platforms\/namespace_old\.yaml/);
    expect(await snapshotTree(out)).toEqual(before);
  });

  it("repairs drift, removes stale generated files and never touches Flux's flux-system/", async () => {
    const out = join(work, "clusters");
    await cp(join(repoRoot, "clusters"), out, { recursive: true });
    const fluxSystem = join(out, "dev/flux-system");
    await mkdir(fluxSystem);
    const gotk = "# Flux bootstrap output\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n";
    await writeFile(join(fluxSystem, "kustomization.yaml"), gotk);
    const staleHeader = (await readFile(join(out, "dev/kustomization.yaml"), "utf8")).split("\n").slice(0, 2).join("\n");
    await writeFile(join(out, "dev/platforms/namespace_old.yaml"), `${staleHeader}\nkind: Namespace\n`);

    const result = synthCli("--out", out);
    expect(result.code).toBe(0);
    expect(await readFile(join(fluxSystem, "kustomization.yaml"), "utf8")).toBe(gotk);
    const tree = await snapshotTree(out);
    expect(tree.has("dev/platforms/namespace_old.yaml")).toBe(false);
    expect(tree.get("dev/kustomization.yaml")?.toString()).toMatch(/resources:\n {2}- flux-system\n/);
    // prod uses the AKS GitOps extension: no flux-system entry there.
    expect(tree.get("prod/kustomization.yaml")?.toString()).not.toContain("flux-system\n");
  });
});
