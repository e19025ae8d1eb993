import { parseAllDocuments } from "yaml";
import { toolYamlDocuments } from "./tool-yaml.js";

export const HOOK_ANNOTATION = "helm.sh/hook";

/** One `# Source:` document of `helm template` output. */
export interface Manifest {
  source: string;
  text: string;
  hooks?: string[];
  id?: string;
}

/** `helm template` output, one entry per `# Source:` document. */
export function splitManifests(output: string): Manifest[] {
  const manifests: Manifest[] = [];
  let current = "";
  for (const text of output.split(/^---[ \t]*$/m)) {
    // A file of crds/ is printed as it is: its own documents follow its `# Source:` line.
    const source = /^# Source: (.+)$/m.exec(text)?.[1]?.trim() ?? current;
    current = source;
    if (!source || !/^\s*[A-Za-z"']/m.test(text.replace(/^#.*$/gm, ""))) continue;
    const head = manifestHead(text);
    manifests.push({ source, text, ...(head.hook === undefined ? {} : { hooks: head.hook.split(",") }), ...(head.id === undefined ? {} : { id: head.id }) });
  }
  return manifests;
}

export const isCrdSource = (source: string) => /(^|\/)crds\//.test(source) && !/(^|\/)templates\//.test(source);

/**
 * Parsing YAML is most of a render's own time, and the releases of a fleet repeat most documents
 * (the same chart with a few different values): each distinct document text is parsed once per
 * process. Callers get their own copy of the parsed values (renders change objects in place).
 */
const parsedDocuments = new Map<string, Record<string, unknown>[]>();
const kustomizeDocuments = new Map<string, Record<string, unknown>[]>();
const heads = new Map<string, { hook?: string; id?: string }>();
const MEMO_LIMIT = 50_000;

function memo<T>(cache: Map<string, T>, text: string, compute: () => T): T {
  let value = cache.get(text);
  if (value === undefined) {
    if (cache.size >= MEMO_LIMIT) cache.clear();
    value = compute();
    cache.set(text, value);
  }
  return value;
}

/** The hook annotation and the id of a manifest Helm printed (parsed leniently: kustomize judges the rest). */
function manifestHead(text: string): { hook?: string; id?: string } {
  return memo(heads, text, () => {
    const head = headSection(text);
    return (head === undefined ? undefined : headOf(head, true)) ?? headOf(text, false) ?? {};
  });
}

/** The head from the first document of `text`; with `strict`, undefined when it has an error (or throws). */
function headOf(text: string, strict: boolean): { hook?: string; id?: string } | undefined {
  try {
    const documents = parseAllDocuments(text, { uniqueKeys: false });
    if (strict && (documents.length !== 1 || documents[0]!.errors.length > 0)) return undefined;
    return headFrom(documents[0]?.toJS({ maxAliasCount: 1000 }));
  } catch {
    return strict ? undefined : {};
  }
}

function headFrom(value: unknown): { hook?: string; id?: string } {
  if (value === null || typeof value !== "object") return {};
  const hook = (value as { metadata?: { annotations?: Record<string, unknown> } }).metadata?.annotations?.[HOOK_ANNOTATION];
  return { ...(typeof hook === "string" ? { hook } : {}), id: idOf(value as Record<string, unknown>) };
}

/** A top-level key at the start of a line: `spec:`, `data: {}`. */
const TOP_LEVEL_KEY = /^([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*:(?:[ \t]|$)/;
const HEAD_KEYS = new Set(["apiVersion", "kind", "metadata"]);
/** Where an alias (`*name`) or a tag (`!`, `!!binary`) may start: either can make the whole document's parse throw or differ. */
const ALIAS_OR_TAG = /(?:^|[\s[\]{},:-])[*!]/;

/**
 * The lines of a manifest that hold its head (apiVersion, kind and metadata), when the rest
 * provably cannot change it: Helm's documents are mostly their spec (a CRD's schema runs to tens
 * of kilobytes), and the head is all splitManifests needs. The head section ends at the first
 * top-level key after all three; the rest must not start a line with anything but a plain
 * top-level key other than those three, a sequence entry, a comment or indentation, and holds no
 * alias or tag. The section is then only trusted when it parses without an error (so no quoted
 * or flow scalar runs past it: see headOf), else the whole document is parsed.
 */
export function headSection(text: string): string | undefined {
  const seen = new Set<string>();
  let at = 0;
  for (;;) {
    const end = text.indexOf("\n", at);
    const line = text.slice(at, end === -1 ? undefined : end);
    const key = TOP_LEVEL_KEY.exec(line)?.[1];
    if (key !== undefined) {
      if (seen.size === HEAD_KEYS.size && !HEAD_KEYS.has(key)) break;
      if (HEAD_KEYS.has(key)) seen.add(key);
    }
    if (end === -1) return undefined;
    at = end + 1;
  }
  const rest = text.slice(at);
  if (ALIAS_OR_TAG.test(rest)) return undefined;
  for (const line of rest.split("\n")) {
    const first = line[0];
    if (first === undefined || first === " " || first === "\t" || first === "#" || first === "\r") continue;
    if (first === "-") {
      if (line === "-" || line.startsWith("- ")) continue;
      return undefined;
    }
    const key = TOP_LEVEL_KEY.exec(line)?.[1];
    if (key === undefined || HEAD_KEYS.has(key)) return undefined;
  }
  return text.slice(0, at);
}

export function idOf(object: Record<string, unknown>): string {
  const metadata = (object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  return `${String(object.apiVersion)}|${String(object.kind)}|${String(metadata.namespace ?? "")}|${String(metadata.name)}`;
}

/** The objects of a YAML stream, document by document (a document starts at a `---` line, as in YAML itself). */
export function parseObjects(text: string): Record<string, unknown>[] {
  return objectsOf(text, parsedDocuments, yamlLibraryDocuments);
}

/**
 * The objects kustomize printed, as parseObjects reads them: kyaml writes only well-formed YAML,
 * which js-yaml reads as the yaml library does, ~9 times faster (toolYamlDocuments).
 */
export function parseKustomizeOutput(text: string): Record<string, unknown>[] {
  return objectsOf(text, kustomizeDocuments, (documentText) => toolYamlDocuments(documentText) ?? yamlLibraryDocuments(documentText));
}

const yamlLibraryDocuments = (text: string): unknown[] => parseAllDocuments(text, { uniqueKeys: false }).map((document) => document.toJS({ maxAliasCount: 1000 }) as unknown);

function objectsOf(text: string, cache: Map<string, Record<string, unknown>[]>, parse: (documentText: string) => unknown[]): Record<string, unknown>[] {
  return text.split(/^---[ \t]*$/m).flatMap((documentText) =>
    structuredClone(
      memo(cache, documentText, () => parse(documentText).filter((value): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value))),
    ),
  );
}
