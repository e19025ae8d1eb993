import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { ObjectValidator } from "@flotilla/render";

/** Hashes kept per fingerprint: far more than a fleet renders, small enough to read in a millisecond. */
const MAX_ENTRIES = 50_000;

interface CacheFileContent {
  fingerprint: string;
  valid: string[];
}

/**
 * The objects the schema validator has found valid, by content hash, kept between runs (in
 * node_modules/.cache/flotilla/): validating an unchanged object again cannot give another answer,
 * and loading the validator (ajv, the CEL library, the CRDs) is most of the cost of a re-run.
 *
 * The entries belong to one fingerprint of the validator (its code, schemas and the vendored CRDs):
 * any change to those starts from an empty cache. Only objects without any problem are recorded. A
 * missing, unreadable or corrupt cache file is a cold start, and a cache that cannot be written is
 * not an error: the cache only ever saves time.
 */
export class ValidationCache {
  private readonly keys = new WeakMap<object, string>();
  private added = false;

  private constructor(
    private readonly file: string,
    private readonly fingerprint: string,
    private readonly valid: Set<string>,
  ) {}

  static async open(file: string, fingerprint: string): Promise<ValidationCache> {
    const content = await readFile(file, "utf8").then(parseCacheFile, () => undefined);
    const valid = content?.fingerprint === fingerprint ? content.valid : [];
    return new ValidationCache(file, fingerprint, new Set(valid));
  }

  has(object: unknown): boolean {
    return this.valid.has(this.keyOf(object));
  }

  add(object: unknown): void {
    const key = this.keyOf(object);
    if (this.valid.has(key)) return;
    this.valid.add(key);
    this.added = true;
  }

  /** Writes the cache when objects were added: whole (temporary file, then rename) or not at all. */
  async save(): Promise<void> {
    if (!this.added) return;
    const valid = [...this.valid].slice(-MAX_ENTRIES);
    const content: CacheFileContent = { fingerprint: this.fingerprint, valid };
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(this.file), { recursive: true });
      await writeFile(temporary, JSON.stringify(content));
      await rename(temporary, this.file);
      this.added = false;
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
 * objects it will be asked about) are not in the cache. Objects found valid are added to the cache.
 */
export async function cachedValidator(
  objects: readonly unknown[],
  cache: ValidationCache,
  load: () => Promise<ObjectValidator>,
): Promise<ObjectValidator> {
  const validator = objects.every((object) => cache.has(object)) ? undefined : await load();
  return {
    validate(object) {
      if (cache.has(object)) return [];
      if (!validator) throw new Error("cachedValidator: asked about an object that was not announced");
      const problems = validator.validate(object);
      if (problems.length === 0) cache.add(object);
      return problems;
    },
  };
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("base64url");
}

function parseCacheFile(text: string): CacheFileContent | undefined {
  try {
    const content: unknown = JSON.parse(text);
    if (typeof content !== "object" || content === null) return undefined;
    const { fingerprint, valid } = content as Partial<CacheFileContent>;
    if (typeof fingerprint !== "string" || !Array.isArray(valid) || !valid.every((key) => typeof key === "string")) return undefined;
    return { fingerprint, valid };
  } catch {
    return undefined;
  }
}
