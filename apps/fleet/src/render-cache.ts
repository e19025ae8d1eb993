import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { withLock } from "@flotilla/lock";
import type { KubeObject, ObjectValidator } from "@flotilla/render";

/** How much YAML the cache file keeps: the objects of the last run first, then the most recent others. */
const MAX_YAML_BYTES = 8 * 1024 * 1024;

interface CacheFileContent {
  fingerprint: string;
  /** Content hashes of the objects the validator found valid. */
  valid: string[];
  /** Content hash → the object's YAML. */
  yaml: Record<string, string>;
}

/**
 * What synth learnt about rendered objects in earlier runs, by content hash, kept in
 * node_modules/.cache/flotilla/: which objects the schema validator found valid, and each object's
 * YAML. Both depend only on the object and on the code and data the fingerprint covers, so an
 * unchanged object cannot get another answer; loading the validator (ajv, the CEL library, the
 * CRDs) and serializing are most of a re-run.
 *
 * The entries belong to one fingerprint of the code and data that decide those answers (see
 * `fingerprintOf`): any change to them starts from an empty cache. Objects holding values JSON
 * cannot tell apart (-0, NaN, Infinity, undefined in arrays, class instances) are never cached.
 * Only objects without any problem are recorded as valid. A missing, unreadable or corrupt cache
 * file is a cold start, and a cache that cannot be written is not an error: the cache only ever
 * saves time.
 */
export class RenderCache {
  private readonly keys = new WeakMap<object, string | null>();
  /** The keys this run asked about, kept first when the file is trimmed. */
  private readonly used = new Set<string>();
  private changed = false;

  private constructor(
    private readonly file: string,
    /** The digest of the code and data its answers depend on (see `fingerprintOf`). */
    readonly fingerprint: string,
    private readonly valid: Set<string>,
    private readonly yaml: Map<string, string>,
  ) {}

  static async open(file: string, fingerprint: string): Promise<RenderCache> {
    const content = await readFile(file, "utf8").then(parseCacheFile, () => undefined);
    const current = content?.fingerprint === fingerprint ? content : undefined;
    return new RenderCache(file, fingerprint, new Set(current?.valid), new Map(Object.entries(current?.yaml ?? {})));
  }

  /** Whether the validator of `scope` (a Kubernetes version: validity depends on the schema that judged it) found the object valid. */
  isValid(object: unknown, scope = ""): boolean {
    const key = this.validityKeyOf(object, scope);
    return key !== null && this.valid.has(key);
  }

  markValid(object: unknown, scope = ""): void {
    const key = this.validityKeyOf(object, scope);
    if (key === null || this.valid.has(key)) return;
    this.valid.add(key);
    this.changed = true;
  }

  /** The object's YAML, serialized by `serialize` on the first run that saw the object. */
  yamlOf(object: KubeObject, serialize: (object: KubeObject) => string): string {
    const key = this.keyOf(object);
    if (key === null) return serialize(object);
    let yaml = this.yaml.get(key);
    if (yaml === undefined) {
      yaml = serialize(object);
      this.yaml.set(key, yaml);
      this.changed = true;
    }
    return yaml;
  }

  /**
   * Writes the cache when it learnt something: whole (temporary file, then rename) or not at all,
   * under the cache directory's lock; when another synth holds it, this run's learning is dropped.
   */
  async save(): Promise<void> {
    if (!this.changed) return;
    const kept = new Set<string>();
    let bytes = 0;
    for (const key of [...this.used, ...[...this.yaml.keys(), ...this.valid].reverse()]) {
      if (kept.has(key)) continue;
      bytes += (this.yaml.get(key)?.length ?? 0) + key.length;
      if (bytes > MAX_YAML_BYTES && !this.used.has(key)) break;
      kept.add(key);
    }
    const content: CacheFileContent = {
      fingerprint: this.fingerprint,
      valid: [...this.valid].filter((key) => kept.has(key)),
      yaml: Object.fromEntries([...this.yaml].filter(([key]) => kept.has(key))),
    };
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(this.file), { recursive: true });
      await withLock(dirname(this.file), { operation: "synth (render cache)", waitMs: 0 }, async () => {
        await writeFile(temporary, JSON.stringify(content));
        await rename(temporary, this.file);
      });
      this.changed = false;
    } catch {
      // A read-only checkout or a full disk only costs the next run its speed-up.
    }
  }

  private validityKeyOf(object: unknown, scope: string): string | null {
    const key = this.keyOf(object);
    return key === null || scope === "" ? key : `${scope} ${key}`;
  }

  /** The content hash of a Kubernetes object, or null when it must not be cached. */
  private keyOf(object: unknown): string | null {
    if (typeof object !== "object" || object === null) return null;
    let key = this.keys.get(object);
    if (key === undefined) {
      const json = exactJson(object);
      key = json === undefined ? null : contentKey(json);
      this.keys.set(object, key);
    }
    if (key !== null) this.used.add(key);
    return key;
  }
}

/**
 * A validator that answers from the cache, and loads the real one only when some of `objects` (the
 * objects it will be asked about) are not known to be valid. Objects found valid are recorded, under
 * `scope` (the Kubernetes version the validator checks for).
 */
export async function cachedValidator(
  objects: readonly unknown[],
  cache: RenderCache,
  load: () => Promise<ObjectValidator>,
  scope = "",
): Promise<ObjectValidator> {
  const validator = objects.every((object) => cache.isValid(object, scope)) ? undefined : await load();
  return {
    validate(object) {
      if (cache.isValid(object, scope)) return [];
      if (!validator) throw new Error("cachedValidator: asked about an object that was not announced");
      const problems = validator.validate(object);
      if (problems.length === 0) cache.markValid(object, scope);
      return problems;
    },
  };
}

/**
 * A digest of what decides the cached answers: the content of `files` and the `facts` (versions,
 * build ids). Read synchronously: a few dozen small files, each read faster than a thread-pool
 * round trip.
 */
export function fingerprintOf(files: readonly string[], facts: readonly string[] = []): string {
  const digest = createHash("sha256");
  for (const file of files) digest.update(`${basename(file)}\0`).update(readFileSync(file)).update("\0");
  for (const fact of facts) digest.update(`${fact}\0`);
  return digest.digest("hex");
}

/** JSON of plain data, or undefined when the object holds something JSON would silently change. */
export function exactJson(object: object): string | undefined {
  let exact = true;
  const json = JSON.stringify(object, function (this: Record<string, unknown>, key, value: unknown) {
    // `this[key]` is the value before toJSON(): a Date must not pass as its ISO string.
    if (!isExactJsonValue(this[key], Array.isArray(this))) exact = false;
    return value;
  });
  return exact ? json : undefined;
}

function isExactJsonValue(value: unknown, inArray: boolean): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    case "undefined":
      return !inArray; // an absent property, not written; in an array it would become null
    case "object": {
      if (value === null || Array.isArray(value)) return true;
      const prototype = Object.getPrototypeOf(value) as unknown;
      return prototype === Object.prototype || prototype === null;
    }
    default:
      return false; // bigint, function, symbol
  }
}

/** The key of a cache entry: a SHA-256 of `text`, base64url. */
export function contentKey(text: string): string {
  return createHash("sha256").update(text).digest("base64url");
}

function parseCacheFile(text: string): CacheFileContent | undefined {
  try {
    const content: unknown = JSON.parse(text);
    if (typeof content !== "object" || content === null) return undefined;
    const { fingerprint, valid, yaml } = content as Partial<CacheFileContent>;
    if (typeof fingerprint !== "string" || !Array.isArray(valid) || !valid.every((key) => typeof key === "string")) return undefined;
    if (typeof yaml !== "object" || yaml === null || !Object.values(yaml).every((text) => typeof text === "string")) return undefined;
    return { fingerprint, valid, yaml };
  } catch {
    return undefined;
  }
}
