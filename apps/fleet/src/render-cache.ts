import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import type { KubeObject, ObjectValidator } from "@flotilla/render";

/** Entries kept per fingerprint: far more than a fleet renders, few enough to read in milliseconds. */
const MAX_ENTRIES = 50_000;

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
 * YAML. Both are pure functions of the object, so an unchanged object cannot get another answer;
 * loading the validator (ajv, the CEL library, the CRDs) and serializing are most of a re-run.
 *
 * The entries belong to one fingerprint of the code and data that decide those answers (the
 * validator, its schemas and the vendored CRDs, the serializer): any change to them starts from an
 * empty cache. Only objects without any problem are recorded as valid. A missing, unreadable or
 * corrupt cache file is a cold start, and a cache that cannot be written is not an error: the cache
 * only ever saves time.
 */
export class RenderCache {
  private readonly keys = new WeakMap<object, string>();
  private changed = false;

  private constructor(
    private readonly file: string,
    private readonly fingerprint: string,
    private readonly valid: Set<string>,
    private readonly yaml: Map<string, string>,
  ) {}

  static async open(file: string, fingerprint: string): Promise<RenderCache> {
    const content = await readFile(file, "utf8").then(parseCacheFile, () => undefined);
    const current = content?.fingerprint === fingerprint ? content : undefined;
    return new RenderCache(file, fingerprint, new Set(current?.valid), new Map(Object.entries(current?.yaml ?? {})));
  }

  isValid(object: unknown): boolean {
    return this.valid.has(this.keyOf(object));
  }

  markValid(object: unknown): void {
    const key = this.keyOf(object);
    if (this.valid.has(key)) return;
    this.valid.add(key);
    this.changed = true;
  }

  /** The object's YAML, serialized by `serialize` on the first run that saw the object. */
  yamlOf(object: KubeObject, serialize: (object: KubeObject) => string): string {
    const key = this.keyOf(object);
    let yaml = this.yaml.get(key);
    if (yaml === undefined) {
      yaml = serialize(object);
      this.yaml.set(key, yaml);
      this.changed = true;
    }
    return yaml;
  }

  /** Writes the cache when it learnt something: whole (temporary file, then rename) or not at all. */
  async save(): Promise<void> {
    if (!this.changed) return;
    const content: CacheFileContent = {
      fingerprint: this.fingerprint,
      valid: [...this.valid].slice(-MAX_ENTRIES),
      yaml: Object.fromEntries([...this.yaml].slice(-MAX_ENTRIES)),
    };
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(this.file), { recursive: true });
      await writeFile(temporary, JSON.stringify(content));
      await rename(temporary, this.file);
      this.changed = false;
    } catch {
      // A read-only checkout or a full disk only costs the next run its speed-up.
    }
  }

  private keyOf(object: unknown): string {
    if (typeof object !== "object" || object === null) return hash(JSON.stringify(object));
    let key = this.keys.get(object);
    if (key === undefined) {
      key = hash(JSON.stringify(object));
      this.keys.set(object, key);
    }
    return key;
  }
}

/**
 * A validator that answers from the cache, and loads the real one only when some of `objects` (the
 * objects it will be asked about) are not known to be valid. Objects found valid are recorded.
 */
export async function cachedValidator(
  objects: readonly unknown[],
  cache: RenderCache,
  load: () => Promise<ObjectValidator>,
): Promise<ObjectValidator> {
  const validator = objects.every((object) => cache.isValid(object)) ? undefined : await load();
  return {
    validate(object) {
      if (cache.isValid(object)) return [];
      if (!validator) throw new Error("cachedValidator: asked about an object that was not announced");
      const problems = validator.validate(object);
      if (problems.length === 0) cache.markValid(object);
      return problems;
    },
  };
}

/**
 * A digest of the files that decide the cached answers. Read synchronously: a few dozen small
 * files, each read faster than a thread-pool round trip.
 */
export function fingerprintOf(files: readonly string[]): string {
  const digest = createHash("sha256");
  for (const file of files) digest.update(`${basename(file)}\0`).update(readFileSync(file)).update("\0");
  return digest.digest("hex");
}

function hash(text: string): string {
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
