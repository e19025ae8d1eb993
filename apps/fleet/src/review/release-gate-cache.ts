import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type YamlDocument, yamlDocuments } from "@flotilla/review";
import { type RenderedCheckOptions, renderedCheckFiles, type RenderedProblem } from "@flotilla/review/rendered";
import { benchWithout } from "../bench-switches.js";
import { bundleId } from "../bundle-id.js";
import { RELEASE_GATE_FILE } from "../cache-dir.js";
import { contentKey, exactJson, fingerprintOf } from "../render-cache.js";

/** How much parsed YAML the file keeps besides this run's: the most recent first. */
const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;
/** How many clusters' check results the file keeps besides this run's. */
const MAX_CHECKED_CLUSTERS = 64;

interface CacheFileContent {
  fingerprint: string;
  /** Digest of a YAML file's content → the JSON of its documents' values. */
  documents: Record<string, string>;
  /** Digest of a cluster as the checks see it (and their options) → their problems. */
  checks: Record<string, RenderedProblem[]>;
}

/**
 * The gate cache in `cacheDir`, for a run whose render cache has `renderFingerprint` (the bundle,
 * lockfile, Node, Kubernetes schemas and vendored CRDs), or none when flotilla runs unbundled (the
 * checks' own code then has no identity a cached answer could be keyed on) or the bench turns it off.
 */
export async function openReleaseGateCache(cacheDir: string, renderFingerprint: string): Promise<ReleaseGateCache | undefined> {
  if (bundleId === "" || benchWithout("release-gate-cache")) return undefined;
  return ReleaseGateCache.open(join(cacheDir, RELEASE_GATE_FILE), fingerprintOf(renderedCheckFiles(), [renderFingerprint, "release-gate 1"]));
}

/**
 * What synth's release gate learnt in earlier runs, in one file of the cache directory:
 *
 * - the documents of each YAML file of the planned tree, by a digest of the file's content: the
 *   gate reads what Flux will read (the serialized YAML), and parsing it again is most of the gate
 *   when a cluster file changed one value;
 * - each cluster's problems found by the checks over what it would run (checkRenderedClusters), by
 *   a digest of the whole cluster as those checks see it: its objects as parsed from the YAML, every
 *   release as Helm rendered it, its identity plan and outputs, its platforms' declarations, its
 *   file and Kubernetes version, and the checks' options; and, the same way, the problems of what
 *   its releases render alone. An edit to one cluster file checks that cluster again, not the
 *   others, and an edit that leaves its releases' renders as they were checks only the rest.
 *
 * Both answers depend on nothing else but the code and data the fingerprint covers (the bundle, the
 * lockfile, Node, the Kubernetes schemas, the vendored CRDs, the list types): any change to them
 * starts from an empty file. A file whose documents JSON cannot hold exactly (.inf, .nan, -0) or
 * that has a syntax error is parsed on every run, and so is a cluster JSON cannot hold exactly.
 * A missing or corrupt file is a cold start, and one that cannot be written is not an error.
 */
export class ReleaseGateCache {
  private readonly usedDocuments = new Set<string>();
  private readonly usedChecks = new Set<string>();
  private changed = false;

  private constructor(
    private readonly file: string,
    private readonly fingerprint: string,
    private readonly documents: Map<string, string>,
    private readonly checks: Map<string, RenderedProblem[]>,
  ) {}

  static async open(file: string, fingerprint: string): Promise<ReleaseGateCache> {
    const content = await readFile(file, "utf8").then(parseCacheFile, () => undefined);
    const current = content?.fingerprint === fingerprint ? content : undefined;
    return new ReleaseGateCache(file, fingerprint, new Map(Object.entries(current?.documents ?? {})), new Map(Object.entries(current?.checks ?? {})));
  }

  /** A YamlDocumentsOf for parseManifests: each call gets objects of its own, as from a parse. */
  readonly documentsOf = (file: string, content: string): YamlDocument[] => {
    const key = contentKey(content);
    this.usedDocuments.add(key);
    const known = this.documents.get(key);
    const values = known === undefined ? undefined : parsedValues(known);
    if (values !== undefined) return values.map((value) => ({ value }));
    const documents = yamlDocuments(file, content);
    const json = documents.every((document) => "value" in document) ? exactJson(documents.map((document) => (document as { value: unknown }).value)) : undefined;
    if (json !== undefined) {
      this.documents.set(key, json);
      this.changed = true;
    }
    return documents;
  };

  /**
   * The `memo` of checkRenderedClusters: `options` names everything the checks read besides their
   * input that the fingerprint does not cover (their options).
   */
  renderedChecks(options: string): NonNullable<RenderedCheckOptions["memo"]> {
    return (part, input, check) => {
      const json = exactJson(input as object);
      if (json === undefined) return check();
      const key = contentKey(`${part}\0${options}\0${json}`);
      this.usedChecks.add(key);
      const known = this.checks.get(key);
      if (known !== undefined) return known.map((problem) => ({ ...problem }));
      const problems = check();
      this.checks.set(key, problems.map((problem) => ({ ...problem })));
      this.changed = true;
      return problems;
    };
  }

  /** Writes the file when the run learnt something: whole (temporary file, then rename) or not at all. */
  async save(): Promise<void> {
    if (!this.changed) return;
    const content: CacheFileContent = {
      fingerprint: this.fingerprint,
      documents: Object.fromEntries(kept(this.documents, this.usedDocuments, (json) => json.length, MAX_DOCUMENT_BYTES)),
      checks: Object.fromEntries(kept(this.checks, this.usedChecks, () => 1, MAX_CHECKED_CLUSTERS)),
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
}

/** The entries this run used, and the most recent others within `budget`, oldest first. */
function kept<T>(entries: ReadonlyMap<string, T>, used: ReadonlySet<string>, size: (value: T) => number, budget: number): [string, T][] {
  const others = [...entries].filter(([key]) => !used.has(key));
  let spent = 0;
  let from = others.length;
  while (from > 0 && spent + size(others[from - 1]![1]) <= budget) spent += size(others[--from]![1]);
  return [...others.slice(from), ...[...used].flatMap((key) => (entries.has(key) ? [[key, entries.get(key)!] as [string, T]] : []))];
}

/** The documents' values kept as JSON, or undefined when the entry is corrupt. */
function parsedValues(json: string): unknown[] | undefined {
  try {
    const values: unknown = JSON.parse(json);
    return Array.isArray(values) ? values : undefined;
  } catch {
    return undefined;
  }
}

function parseCacheFile(text: string): CacheFileContent | undefined {
  try {
    const content: unknown = JSON.parse(text);
    if (typeof content !== "object" || content === null) return undefined;
    const { fingerprint, documents, checks } = content as Partial<CacheFileContent>;
    if (typeof fingerprint !== "string" || typeof documents !== "object" || documents === null || typeof checks !== "object" || checks === null) return undefined;
    if (!Object.values(documents).every((json) => typeof json === "string")) return undefined;
    if (!Object.values(checks).every((problems) => Array.isArray(problems) && problems.every(isProblem))) return undefined;
    return { fingerprint, documents, checks };
  } catch {
    return undefined;
  }
}

function isProblem(value: unknown): value is RenderedProblem {
  if (typeof value !== "object" || value === null) return false;
  const problem = value as Record<string, unknown>;
  return ["check", "cluster", "release", "object", "path", "message"].every((field) => typeof problem[field] === "string");
}
