import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFluxCrds } from "@flotilla/flux";
import type { ObjectValidator } from "@flotilla/render";
import { createValidator } from "@flotilla/render/validate";
import { formatProblem, manifestParserFile, parseManifests, validateTree } from "@flotilla/review";
import { addListedFile, encryptedSecret, helmRelease, helmRepository, namespace, renderFixtureTree, writeFixtureTree } from "../packages/review/test/support/fixture-tree.js";
import { repoRoot } from "../apps/fleet/src/repo-paths.js";
import { schemaValidatorFiles } from "../apps/fleet/src/schema-validator.js";
import { TreeFileCache, treeFileCacheInputs } from "../apps/fleet/src/review/tree-file-cache.js";

let work: string;
let validator: ObjectValidator;
let runs = 0;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-tree-file-cache-"));
  validator = createValidator({ crds: await readFluxCrds() });
});
afterAll(async () => rm(work, { recursive: true, force: true }));

const argo = { chart: "argo-workflows", version: "0.47.5", repository: "argo" };
const RELEASE = "dev/platforms/helmrelease_argo_argo-workflows.yaml";
const SECRET = "dev/infrastructure/secret_analytics_db.sops.yaml";

function validTree(): Map<string, string> {
  const files = renderFixtureTree([
    {
      name: "dev",
      dirs: {
        infrastructure: [namespace("analytics")],
        platforms: [namespace("argo"), helmRepository("argo", "https://argoproj.github.io/argo-helm"), helmRelease("argo", "argo-workflows", argo, { controller: { replicas: 2 } })],
      },
      dependsOn: { platforms: ["infrastructure"] },
    },
  ]);
  addListedFile(files, SECRET, encryptedSecret("analytics", "db", ["password"], "a1"));
  return files;
}

/** The validator, counting the objects it is asked about. */
function counting(): { validator: ObjectValidator; asked: () => number } {
  let asked = 0;
  return { validator: { validate: (object) => (asked++, validator.validate(object)) }, asked: () => asked };
}

/** validate's checks of the tree, with the cache file `cacheFile` when given (opened, used, saved, as validate does), as problem lines. */
async function validateLines(files: Map<string, string>, cacheFile?: string, options: { fingerprint?: string; scope?: string; validator?: ObjectValidator } = {}): Promise<string[]> {
  const treeDir = join(work, `tree-${runs++}`, "clusters");
  await writeFixtureTree(treeDir, files);
  const cache = cacheFile === undefined ? undefined : await TreeFileCache.open(cacheFile, options.fingerprint ?? "f");
  const result = await validateTree({
    files,
    treeDir,
    treePrefix: "clusters",
    validator: options.validator ?? validator,
    ...(cache ? { documentsOf: cache.documentsOf, schemaValidity: cache.validity(() => options.scope ?? "1.34") } : {}),
  });
  await cache?.save();
  // kubectl's log lines carry the time, its process id and the tree's directory.
  return result.problems.map((problem) => formatProblem(problem, "clusters").replace(/E\d{4} [\d:.]+ +\d+ /g, "E… ").replaceAll(treeDir, "<tree>"));
}

const edit = (path: string, from: string | RegExp, to: string) => (files: Map<string, string>) => {
  const content = files.get(path)!;
  const changed = content.replace(from, to);
  if (changed === content) throw new Error(`${path}: ${String(from)} not found`);
  files.set(path, changed);
};

describe("validate with the tree file cache", () => {
  // Every kind of problem the parse and schema checks report, with the file parsed and checked
  // from the cache on the warm run: the answers must be those of a run without any cache.
  const cases: [string, (files: Map<string, string>) => void][] = [
    ["an unknown field of a generated object", edit(RELEASE, "  interval: 10m", "  intervall: 10m")],
    ["a YAML syntax error", edit(RELEASE, "spec:", "spec: [")],
    ["a repeated key", edit(RELEASE, "  interval: 10m", "  interval: 10m\n  interval: 5m")],
    ["a document that is not a mapping", (files) => addListedFile(files, "dev/infrastructure/list.yaml", "- a\n- b\n")],
    ["a document that is no Kubernetes object", (files) => addListedFile(files, "dev/infrastructure/thing.yaml", "apiVersion: v1\nkind: ConfigMap\n")],
    ["an unknown field of an encrypted Secret (its decrypted shape)", edit(SECRET, "stringData:", "extra: 1\nstringData:")],
    ["a kustomization that is not a mapping", edit("dev/infrastructure/kustomization.yaml", /resources:[\s\S]*/, "- a\n")],
    ["a kustomization of two documents", edit("dev/infrastructure/kustomization.yaml", /^/, "a: 1\n---\n")],
    ["a kustomization with a remote resource", edit("dev/infrastructure/kustomization.yaml", "resources:", "resources:\n  - https://example.com/base")],
    ["a kustomization with a generator", edit("dev/infrastructure/kustomization.yaml", "resources:", "configMapGenerator: []\nresources:")],
  ];

  it.each(cases)("reports %s as a run without cache does, cold and warm", async (_name, change) => {
    const files = validTree();
    change(files);
    const uncached = await validateLines(files);
    expect(uncached.length).toBeGreaterThan(0);
    const cacheFile = join(work, `cache-${runs}`, "tree-files.v8");
    expect(await validateLines(files, cacheFile)).toEqual(uncached);
    expect(await validateLines(files, cacheFile)).toEqual(uncached);
  });

  it("checks no object of an unchanged valid tree again, and a changed file or another validator scope again", async () => {
    const cacheFile = join(work, "cache-valid", "tree-files.v8");
    const files = validTree();
    const cold = counting();
    expect(await validateLines(files, cacheFile, { validator: cold.validator })).toEqual([]);
    expect(cold.asked()).toBeGreaterThan(5);

    const warm = counting();
    expect(await validateLines(files, cacheFile, { validator: warm.validator })).toEqual([]);
    expect(warm.asked()).toBe(0);

    // A changed file is checked again, alone; its problem is found.
    edit(RELEASE, "  interval: 10m", "  intervall: 10m")(files);
    const changed = counting();
    const found = await validateLines(files, cacheFile, { validator: changed.validator });
    expect(found).toEqual(expect.arrayContaining([expect.stringContaining(".spec.intervall: unknown field")]));
    expect(changed.asked()).toBe(1);
    // A file with a problem is never recorded as valid.
    const again = counting();
    expect(await validateLines(files, cacheFile, { validator: again.validator })).toEqual(found);
    expect(again.asked()).toBe(1);

    // The same files judged by another validator (a cluster's Kubernetes version) are checked again.
    const otherScope = counting();
    await validateLines(validTree(), cacheFile, { validator: otherScope.validator, scope: "1.35" });
    expect(otherScope.asked()).toBe(cold.asked());
    // And under another fingerprint (parser, validator code, schemas, dependencies, bundle, Node), nothing is known.
    const otherFingerprint = counting();
    await validateLines(validTree(), cacheFile, { validator: otherFingerprint.validator, fingerprint: "g" });
    expect(otherFingerprint.asked()).toBe(cold.asked());
  });
});

describe("TreeFileCache", () => {
  it("gives back every value YAML can give exactly, a copy of its own on each call", async () => {
    const file = join(work, "values", "tree-files.v8");
    const content = "%YAML 1.1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nnan: .nan\nnegative: -0.0\ninf: -.inf\nwhen: 2001-12-14t21:59:43.10-05:00\nset: !!set {a, b}\nomap: !!omap [{x: 1}]\nbinary: !!binary aGk=\n";
    const files = new Map([["dev/c.yaml", content]]);
    const uncached = parseManifests(files);
    const first = await TreeFileCache.open(file, "f");
    expect(parseManifests(files, undefined, first.documentsOf)).toEqual(uncached);
    await first.save();

    const second = await TreeFileCache.open(file, "f");
    expect(second.has(content)).toBe(true);
    const warm = parseManifests(files, undefined, second.documentsOf);
    expect(warm).toEqual(uncached);
    const object = warm.manifests[0]!.object;
    expect(Object.is(object.negative, -0)).toBe(true);
    expect(object.when).toBeInstanceOf(Date);
    expect(object.set).toBeInstanceOf(Set);
    expect(object.omap).toBeInstanceOf(Map);
    (object.metadata as Record<string, unknown>).name = "changed";
    expect(parseManifests(files, undefined, second.documentsOf).manifests[0]!.object).toEqual(uncached.manifests[0]!.object);
  });

  it("starts empty on another fingerprint, a corrupt or foreign file; writes only what it learnt, never failing", async () => {
    const file = join(work, "states", "tree-files.v8");
    const cache = await TreeFileCache.open(file, "f");
    await cache.save();
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
    expect(cache.documentsOf("a.yaml", "a: 1\n")).toEqual([{ value: { a: 1 } }]);
    await cache.save();
    expect((await TreeFileCache.open(file, "f")).has("a: 1\n")).toBe(true);
    expect((await TreeFileCache.open(file, "f")).documentsOf("a.yaml", "a: 1\n")).toEqual([{ value: { a: 1 } }]);
    expect((await TreeFileCache.open(file, "other")).has("a: 1\n")).toBe(false);

    await writeFile(file, "not v8");
    expect((await TreeFileCache.open(file, "f")).has("a: 1\n")).toBe(false);
    await writeFile(join(work, "not-a-directory"), "");
    const unwritable = await TreeFileCache.open(join(work, "not-a-directory", "tree-files.v8"), "f");
    unwritable.documentsOf("a.yaml", "a: 1\n");
    await expect(unwritable.save()).resolves.toBeUndefined();
  });

  it("keeps what the last run used, and the others within its budget", async () => {
    const file = join(work, "trim", "tree-files.v8");
    const cache = await TreeFileCache.open(file, "f");
    for (const n of [1, 2, 3]) cache.documentsOf("n.yaml", `n: ${n}\n`);
    await cache.save();
    const next = await TreeFileCache.open(file, "f");
    expect(next.documentsOf("n.yaml", "n: 2\n")).toEqual([{ value: { n: 2 } }]);
    next.documentsOf("n.yaml", "n: 4\n");
    await next.save();
    const last = await TreeFileCache.open(file, "f");
    for (const n of [1, 2, 3, 4]) expect(last.has(`n: ${n}\n`)).toBe(true);
    expect((await readFile(file)).includes(Buffer.from("n: 2"))).toBe(false); // keyed by digest, not content
  });

  it("is keyed on the parser, the validator's code, every schema and CRD, and the lockfile", () => {
    expect(treeFileCacheInputs()).toEqual(expect.arrayContaining([manifestParserFile(), ...schemaValidatorFiles(), join(repoRoot, "pnpm-lock.yaml")]));
  });
});
