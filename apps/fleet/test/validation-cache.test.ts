import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ObjectValidator } from "@flotilla/render";
import { cachedValidator, ValidationCache } from "../src/validation-cache.js";

let work: string;
let file: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-validation-cache-"));
  file = join(work, "cache", "validated-objects.json");
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

describe("ValidationCache", () => {
  it("remembers objects across runs for the same fingerprint only", async () => {
    const first = await ValidationCache.open(file, "fingerprint-a");
    expect(first.has(namespace("a"))).toBe(false);
    first.add(namespace("a"));
    await first.save();

    const again = await ValidationCache.open(file, "fingerprint-a");
    expect(again.has(namespace("a"))).toBe(true);
    expect(again.has(namespace("b"))).toBe(false);
    expect(again.has({ ...namespace("a"), metadata: { name: "a", labels: { x: "y" } } })).toBe(false);

    const otherValidator = await ValidationCache.open(file, "fingerprint-b");
    expect(otherValidator.has(namespace("a"))).toBe(false);
  });

  it("treats a corrupt or foreign cache file as empty", async () => {
    await writeFile(join(work, "corrupt.json"), "{ not json");
    expect((await ValidationCache.open(join(work, "corrupt.json"), "f")).has(namespace("a"))).toBe(false);
    await writeFile(join(work, "foreign.json"), JSON.stringify({ fingerprint: "f", valid: [1, 2] }));
    expect((await ValidationCache.open(join(work, "foreign.json"), "f")).has(namespace("a"))).toBe(false);
  });

  it("writes nothing when nothing was added, and never fails on an unwritable location", async () => {
    const cache = await ValidationCache.open(file, "f");
    await cache.save();
    await expect(stat(file)).rejects.toThrow(/ENOENT/);

    await writeFile(join(work, "not-a-directory"), "");
    const unwritable = await ValidationCache.open(join(work, "not-a-directory", "cache.json"), "f");
    unwritable.add(namespace("a"));
    await expect(unwritable.save()).resolves.toBeUndefined();
  });

  it("stores hashes, never the objects", async () => {
    const cache = await ValidationCache.open(file, "f");
    cache.add({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { token: "do-not-store-me" } });
    await cache.save();
    expect(await readFile(file, "utf8")).not.toContain("do-not-store-me");
  });
});

describe("cachedValidator", () => {
  it("does not load the validator when every object is cached", async () => {
    const cache = await ValidationCache.open(file, "f");
    cache.add(namespace("a"));
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
    const cache = await ValidationCache.open(file, "f");
    cache.add(namespace("a"));
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
    expect(cache.has(namespace("b"))).toBe(true);
    expect(cache.has(namespace("bad"))).toBe(false);
  });
});
