import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BuildResult } from "@flotilla/review";
import { cachedKustomizeBuild } from "../src/review/cached-builds.js";

let work: string;
let treeDir: string;
let cacheDir: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-cached-builds-"));
  treeDir = join(work, "clusters");
  cacheDir = join(work, "cache");
});
afterEach(async () => rm(work, { recursive: true, force: true }));

/** A build that answers by the directory and counts its runs. */
function countingBuild(answer: (dir: string) => BuildResult = (dir) => ({ ok: true, objects: [{ built: dir }] })) {
  const runs: string[] = [];
  return { runs, build: async (dir: string) => (runs.push(dir), answer(dir)) };
}

const tree = (files: Record<string, string>) => new Map(Object.entries(files));
const options = (files: Map<string, string>, others = new Set<string>()) => ({ treeDir, files, others, cacheDir, fingerprint: "kubectl v1.33.9" });

describe("cachedKustomizeBuild", () => {
  it("builds a cluster's directory once for the same files of that cluster; a change in the cluster builds again, one in another cluster does not", async () => {
    const files = tree({ "dev/kustomization.yaml": "resources: [a.yaml]\n", "dev/a.yaml": "a", "prod/kustomization.yaml": "resources: []\n" });
    const counting = countingBuild();
    const first = await cachedKustomizeBuild(counting.build, options(files))(join(treeDir, "dev"));
    const again = await cachedKustomizeBuild(counting.build, options(files))(join(treeDir, "dev"));
    expect(again).toEqual(first);
    expect(counting.runs).toEqual([join(treeDir, "dev")]);

    await cachedKustomizeBuild(counting.build, options(new Map([...files, ["prod/kustomization.yaml", "resources: [b.yaml]\n"]])))(join(treeDir, "dev"));
    expect(counting.runs).toHaveLength(1);
    await cachedKustomizeBuild(counting.build, options(new Map([...files, ["dev/a.yaml", "A"]])))(join(treeDir, "dev"));
    expect(counting.runs).toHaveLength(2);
    // Another kubectl is another answer.
    await cachedKustomizeBuild(counting.build, { ...options(files), fingerprint: "kubectl v1.34.0" })(join(treeDir, "dev"));
    expect(counting.runs).toHaveLength(3);
  });

  it("keys validate's aggregate of a cluster's directories by what it lists", async () => {
    const files = tree({ "dev/infrastructure/kustomization.yaml": "resources: []\n", "dev/platforms/kustomization.yaml": "resources: []\n" });
    const aggregate = async (resources: string[]) => {
      const dir = await mkdtemp(join(work, "scratch-"));
      await mkdir(join(dir, "dev"));
      await writeFile(join(dir, "dev", "kustomization.yaml"), `resources:\n${resources.map((resource) => `- ../../clusters/dev/${resource}\n`).join("")}`);
      return join(dir, "dev");
    };
    const counting = countingBuild();
    const build = () => cachedKustomizeBuild(counting.build, options(files));
    await build()(await aggregate(["infrastructure", "platforms"]));
    await build()(await aggregate(["infrastructure", "platforms"]));
    expect(counting.runs).toHaveLength(1);
    await build()(await aggregate(["infrastructure"]));
    expect(counting.runs).toHaveLength(2);
  });

  it("always builds a cluster whose kustomizations reach outside it, or that holds a symlink; never keeps a failure", async () => {
    const outside = tree({ "dev/kustomization.yaml": "resources:\n- ../../shared\n" });
    const counting = countingBuild();
    for (let run = 0; run < 2; run++) await cachedKustomizeBuild(counting.build, options(outside))(join(treeDir, "dev"));
    expect(counting.runs).toHaveLength(2);

    const linked = tree({ "dev/kustomization.yaml": "resources: []\n" });
    for (let run = 0; run < 2; run++) await cachedKustomizeBuild(counting.build, options(linked, new Set(["dev/link.yaml"])))(join(treeDir, "dev"));
    expect(counting.runs).toHaveLength(4);

    const failing = countingBuild(() => ({ ok: false, error: "broken" }));
    for (let run = 0; run < 2; run++) expect(await cachedKustomizeBuild(failing.build, options(linked))(join(treeDir, "dev"))).toEqual({ ok: false, error: "broken" });
    expect(failing.runs).toHaveLength(2);
  });
});
