import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ObjectValidator } from "@flotilla/render";
import { cachedValidator, fingerprintOf, RenderCache } from "../src/render-cache.js";

let work: string;
let file: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-render-cache-"));
  file = join(work, "cache", "rendered-objects.json");
});
afterEach(async () => rm(work, { recursive: true, force: true }));

const namespace = (name: string) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });

/** A validator that refuses Namespaces named "bad" and counts its calls. */
function countingValidator() {
  const calls: unknown[] = [];
  const validator: ObjectValidator = {
    validate(object) {
      calls.push(object);
      return (object as ReturnType<typeof namespace>).metadata.name === "bad" ? [{ path: ".metadata.name", message: "refused" }] : [];
    },
  };
  return { calls, validator };
}

describe("RenderCache", () => {
  it("remembers objects across runs for the same fingerprint only", async () => {
    const first = await RenderCache.open(file, "fingerprint-a");
    expect(first.isValid(namespace("a"))).toBe(false);
    first.markValid(namespace("a"));
    await first.save();

    const again = await RenderCache.open(file, "fingerprint-a");
    expect(again.isValid(namespace("a"))).toBe(true);
    expect(again.isValid(namespace("b"))).toBe(false);
    expect(again.isValid({ ...namespace("a"), metadata: { name: "a", labels: { x: "y" } } })).toBe(false);

    const otherValidator = await RenderCache.open(file, "fingerprint-b");
    expect(otherValidator.isValid(namespace("a"))).toBe(false);
  });

  it("treats a corrupt or foreign cache file as empty", async () => {
    await writeFile(join(work, "corrupt.json"), "{ not json");
    expect((await RenderCache.open(join(work, "corrupt.json"), "f")).isValid(namespace("a"))).toBe(false);
    await writeFile(join(work, "foreign.json"), JSON.stringify({ fingerprint: "f", valid: [1, 2], yaml: {} }));
    expect((await RenderCache.open(join(work, "foreign.json"), "f")).isValid(namespace("a"))).toBe(false);
  });

  it("writes nothing when nothing was added, and never fails on an unwritable location", async () => {
    const cache = await RenderCache.open(file, "f");
    await cache.save();
    await expect(stat(file)).rejects.toThrow(/ENOENT/);

    await writeFile(join(work, "not-a-directory"), "");
    const unwritable = await RenderCache.open(join(work, "not-a-directory", "cache.json"), "f");
    unwritable.markValid(namespace("a"));
    await expect(unwritable.save()).resolves.toBeUndefined();
  });

  it("records validity as hashes, without the objects' content", async () => {
    const cache = await RenderCache.open(file, "f");
    cache.markValid({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { note: "not-in-the-cache" } });
    await cache.save();
    expect(await readFile(file, "utf8")).not.toContain("not-in-the-cache");
  });

  it("serializes each object once, across runs, for the same fingerprint only", async () => {
    const serialized: unknown[] = [];
    const serialize = (object: ReturnType<typeof namespace>) => {
      serialized.push(object);
      return `name: ${object.metadata.name}\n`;
    };
    const first = await RenderCache.open(file, "f");
    expect(first.yamlOf(namespace("a"), serialize)).toBe("name: a\n");
    expect(first.yamlOf(namespace("a"), serialize)).toBe("name: a\n");
    await first.save();
    expect(serialized).toHaveLength(1);

    expect((await RenderCache.open(file, "f")).yamlOf(namespace("a"), serialize)).toBe("name: a\n");
    expect(serialized).toHaveLength(1);
    expect((await RenderCache.open(file, "another serializer")).yamlOf(namespace("a"), serialize)).toBe("name: a\n");
    expect(serialized).toHaveLength(2);
  });
});

describe("RenderCache and values JSON cannot tell apart", () => {
  it("never caches objects holding -0, NaN, Infinity, undefined in arrays or class instances", async () => {
    const cache = await RenderCache.open(file, "f");
    const inexact = [
      { ...namespace("a"), spec: { n: -0 } },
      { ...namespace("a"), spec: { n: Number.NaN } },
      { ...namespace("a"), spec: { n: Number.POSITIVE_INFINITY } },
      { ...namespace("a"), spec: { list: [undefined] } },
      { ...namespace("a"), spec: { at: new Date(0) } },
      { ...namespace("a"), spec: { set: new Set([1]) } },
    ];
    for (const object of inexact) cache.markValid(object);
    await cache.save();
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
    for (const object of inexact) expect(cache.isValid(object)).toBe(false);
    // their look-alikes stay distinct
    cache.markValid({ ...namespace("a"), spec: { n: 0 } });
    expect(cache.isValid({ ...namespace("a"), spec: { n: -0 } })).toBe(false);
    cache.markValid({ ...namespace("a"), spec: { at: new Date(0).toISOString() } });
    expect(cache.isValid({ ...namespace("a"), spec: { at: new Date(0) } })).toBe(false);
  });

  it("answers 'not valid' for something that is not an object, without throwing", async () => {
    const cache = await RenderCache.open(file, "f");
    expect(cache.isValid(undefined)).toBe(false);
    expect(cache.isValid("text")).toBe(false);
  });

  it("keeps the YAML of the objects this run used when the file is trimmed", async () => {
    const old = await RenderCache.open(file, "f");
    const big = "x".repeat(3 * 1024 * 1024);
    for (const name of ["old-1", "old-2", "old-3"]) old.yamlOf(namespace(name), () => big);
    await old.save();

    const run = await RenderCache.open(file, "f");
    run.yamlOf(namespace("old-1"), () => "unused");
    run.yamlOf(namespace("new"), () => "name: new\n");
    await run.save();

    const kept = JSON.parse(await readFile(file, "utf8")) as { yaml: Record<string, string> };
    const reopened = await RenderCache.open(file, "f");
    const serializedAgain: string[] = [];
    for (const name of ["old-1", "new", "old-2", "old-3"]) reopened.yamlOf(namespace(name), () => (serializedAgain.push(name), ""));
    expect(Object.keys(kept.yaml)).toHaveLength(3);
    expect(serializedAgain).toEqual(["old-2"]);
  });
});

describe("fingerprintOf", () => {
  it("changes with the content of any file it covers", async () => {
    const [a, b] = [join(work, "a.js"), join(work, "b.json")];
    await writeFile(a, "export const x = 1;");
    await writeFile(b, "[]");
    const before = fingerprintOf([a, b]);
    expect(fingerprintOf([a, b])).toBe(before);
    await writeFile(b, "[{}]");
    expect(fingerprintOf([a, b])).not.toBe(before);
  });
});

describe("cachedValidator", () => {
  it("does not load the validator when every object is cached", async () => {
    const cache = await RenderCache.open(file, "f");
    cache.markValid(namespace("a"));
    let loads = 0;
    const validator = await cachedValidator([namespace("a")], cache, async () => {
      loads++;
      return countingValidator().validator;
    });
    expect(validator.validate(namespace("a"))).toEqual([]);
    expect(loads).toBe(0);
    expect(() => validator.validate(namespace("unannounced"))).toThrow(/not announced/);
  });

  it("validates uncached objects, caches the valid ones and never the invalid ones", async () => {
    const cache = await RenderCache.open(file, "f");
    cache.markValid(namespace("a"));
    const inner = countingValidator();
    let loads = 0;
    const objects = [namespace("a"), namespace("b"), namespace("bad")];
    const validator = await cachedValidator(objects, cache, async () => {
      loads++;
      return inner.validator;
    });
    expect(objects.map((object) => validator.validate(object))).toEqual([[], [], [{ path: ".metadata.name", message: "refused" }]]);
    expect(loads).toBe(1);
    expect(inner.calls).toEqual([namespace("b"), namespace("bad")]);
    expect(cache.isValid(namespace("b"))).toBe(true);
    expect(cache.isValid(namespace("bad"))).toBe(false);
  });

  it("keeps validity per scope: an object valid for one Kubernetes version is validated again for another", async () => {
    const cache = await RenderCache.open(file, "f");
    const inner = countingValidator();
    const for134 = await cachedValidator([namespace("a")], cache, async () => inner.validator, "1.34");
    expect(for134.validate(namespace("a"))).toEqual([]);
    expect(cache.isValid(namespace("a"), "1.34")).toBe(true);
    expect(cache.isValid(namespace("a"), "1.35")).toBe(false);
    expect(cache.isValid(namespace("a"))).toBe(false);
    let loads = 0;
    const for135 = await cachedValidator([namespace("a")], cache, async () => {
      loads++;
      return inner.validator;
    }, "1.35");
    expect(for135.validate(namespace("a"))).toEqual([]);
    expect(loads).toBe(1);
    expect(inner.calls).toEqual([namespace("a"), namespace("a")]);
  });
});

describe("the render cache's fingerprint inputs", () => {
  it("cover the validator's code, pattern engine and formats, the Kubernetes schemas, both CRD sets and the serializer", async () => {
    const { schemaValidatorFiles } = await import("../src/schema-validator.js");
    const { serializerFile } = await import("@flotilla/render");
    const names = [...schemaValidatorFiles(), serializerFile()].map((path) => path.split(/[\\/]/).slice(-3).join("/"));
    for (const expected of [/validate\/validator\.[jt]s$/, /validate\/pattern-engine\.[jt]s$/, /validate\/formats\.[jt]s$/, /validation-rules\.[jt]s$/, /kubernetes-1\.28\.json$/, /kubernetes-1\.34\.json$/, /kubernetes-versions\/index\.[jt]s$/, /flux\/crds\/crds\.json$/, /karpenter\/crds\/crds\.json$/, /render\/package\.json$/, /serialize\.[jt]s$/]) {
      expect(names.some((name) => expected.test(name)), String(expected)).toBe(true);
    }
    expect(names.some((name) => name.endsWith(".d.ts"))).toBe(false);
    // A fleet's fingerprint reads only the schemas of its clusters' versions.
    const of134 = schemaValidatorFiles(["1.34.2"]).map((path) => path.split(/[\\/]/).pop());
    expect(of134.filter((name) => name?.startsWith("kubernetes-1."))).toEqual(["kubernetes-1.34.json"]);
  });
});
