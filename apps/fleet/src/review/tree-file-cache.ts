import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { deserialize, serialize } from "node:v8";
import { manifestParserFile, type SchemaValidity, type YamlDocument, yamlDocuments } from "@flotilla/review";
import { bundleId } from "../bundle-id.js";
import { contentKey, fingerprintOf } from "../render-cache.js";
import { repoRoot } from "../repo-paths.js";
import { schemaValidatorFiles } from "../schema-validator.js";

/** How much the file keeps besides the entries of the last run (most recently used first). */
const MAX_OTHER_BYTES = 16 * 1024 * 1024;

interface Entry {
  /** The file's documents (yamlDocuments), v8-serialized. */
  documents?: Uint8Array;
  /** The validator scopes under which the file's objects were found valid. */
  valid: string[];
}

interface CacheFileContent {
  fingerprint: string;
  /** By the sha256 of a file's content. */
  entries: Map<string, Entry>;
}

/**
 * What validate learnt about the tree's files in earlier runs, by the sha256 of each file's
 * content, in the cache directory: its YAML documents (parsing is most of a warm validate of a
 * large tree) and the validators that found its objects valid. Both depend only on the content
 * and on the code and data the fingerprint covers: the parser module, the validator's code,
 * schemas and CRDs, the yaml library and every other dependency (the lockfile), the bundle, Node.
 *
 * Documents are v8-serialized, so every value YAML can give (NaN, -0, the Dates of YAML 1.1
 * timestamps, Sets) comes back as it was; a parse the serializer cannot give back exactly is never
 * kept. Each `get` deserializes a copy of its own. A missing, unreadable or corrupt file, or one of
 * another fingerprint, is a cold start, and one that cannot be written is not an error: the cache
 * only ever saves time.
 */
export class TreeFileCache {
  /** The keys this run asked about: kept first when the file is trimmed. */
  private readonly used = new Set<string>();
  private changed = false;
  /** Digests by content (the tree's strings, asked about by several checks). */
  private readonly keys = new Map<string, string>();

  private constructor(
    private readonly file: string,
    private readonly fingerprint: string,
    private readonly entries: Map<string, Entry>,
  ) {}

  static async open(file: string, fingerprint: string): Promise<TreeFileCache> {
    const content = await readFile(file).then(parseCacheFile, () => undefined);
    return new TreeFileCache(file, fingerprint, content?.fingerprint === fingerprint ? content.entries : new Map());
  }

  /** A YamlDocumentsOf for parseManifests: each call gets objects of its own, as from a parse. */
  readonly documentsOf = (file: string, content: string): YamlDocument[] => {
    const known = this.entryOf(content)?.documents;
    if (known !== undefined) return deserialize(known) as YamlDocument[];
    const documents = yamlDocuments(file, content);
    const serialized = serialize(documents);
    if (isDeepStrictEqual(deserialize(serialized), documents)) {
      this.entryFor(content).documents = serialized;
      this.changed = true;
    }
    return documents;
  };

  /** Whether the documents of `content` are known from an earlier run (or this one). */
  has(content: string): boolean {
    return this.entries.get(this.keyOf(content))?.documents !== undefined;
  }

  /** The schema validity of the tree's files (checkSchemas), with `scopeOf` naming each cluster's validator. */
  validity(scopeOf: (cluster: string) => string): SchemaValidity {
    return {
      scopeOf,
      isValid: (content, scope) => this.entryOf(content)?.valid.includes(scope) ?? false,
      markValid: (content, scope) => {
        const entry = this.entryFor(content);
        if (entry.valid.includes(scope)) return;
        entry.valid.push(scope);
        this.changed = true;
      },
    };
  }

  /** Writes the file when this run learnt something: whole (temporary file, then rename) or not at all. */
  async save(): Promise<void> {
    if (!this.changed) return;
    const kept = new Map<string, Entry>();
    for (const key of this.used) {
      const entry = this.entries.get(key);
      if (entry !== undefined) kept.set(key, entry);
    }
    let others = 0;
    for (const [key, entry] of this.entries) {
      if (kept.has(key)) continue;
      others += entry.documents?.byteLength ?? 0;
      if (others > MAX_OTHER_BYTES) break;
      kept.set(key, entry);
    }
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(this.file), { recursive: true });
      await writeFile(temporary, serialize({ fingerprint: this.fingerprint, entries: kept } satisfies CacheFileContent));
      await rename(temporary, this.file);
      this.changed = false;
    } catch {
      // A read-only checkout or a full disk only costs the next run its speed-up.
      await rm(temporary, { force: true }).catch(() => {});
    }
  }

  private entryOf(content: string): Entry | undefined {
    const key = this.keyOf(content);
    this.used.add(key);
    return this.entries.get(key);
  }

  private entryFor(content: string): Entry {
    const key = this.keyOf(content);
    this.used.add(key);
    let entry = this.entries.get(key);
    if (entry === undefined) this.entries.set(key, (entry = { valid: [] }));
    return entry;
  }

  private keyOf(content: string): string {
    let key = this.keys.get(content);
    if (key === undefined) this.keys.set(content, (key = contentKey(content)));
    return key;
  }
}

/** The files whose content decides the cache's answers: the parser, the schema validator's code, every version's schemas and the vendored CRDs, the lockfile (the yaml library and every other dependency). */
export function treeFileCacheInputs(): string[] {
  return [manifestParserFile(), ...schemaValidatorFiles(), join(repoRoot, "pnpm-lock.yaml")];
}

/** The fingerprint of the cache's answers: its input files, the bundle running and Node (V8 decides which CRD patterns compile). */
export function treeFileCacheFingerprint(): string {
  return fingerprintOf(treeFileCacheInputs(), [process.version, bundleId]);
}

function parseCacheFile(buffer: Buffer): CacheFileContent | undefined {
  try {
    const content: unknown = deserialize(buffer);
    if (typeof content !== "object" || content === null) return undefined;
    const { fingerprint, entries } = content as Partial<CacheFileContent>;
    if (typeof fingerprint !== "string" || !(entries instanceof Map)) return undefined;
    for (const [key, entry] of entries as Map<unknown, Partial<Entry> | null>) {
      if (typeof key !== "string" || typeof entry !== "object" || entry === null) return undefined;
      if (entry.documents !== undefined && !(entry.documents instanceof Uint8Array)) return undefined;
      if (!Array.isArray(entry.valid) || !entry.valid.every((scope) => typeof scope === "string")) return undefined;
    }
    return { fingerprint, entries: entries as Map<string, Entry> };
  } catch {
    return undefined;
  }
}
