import { parseAllDocuments } from "yaml";

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
const parsedDocuments = new Map<string, unknown[]>();
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
    try {
      const [document] = parseAllDocuments(text, { uniqueKeys: false });
      const value = document?.toJS({ maxAliasCount: 1000 }) as unknown;
      if (value === null || typeof value !== "object") return {};
      const hook = (value as { metadata?: { annotations?: Record<string, unknown> } }).metadata?.annotations?.[HOOK_ANNOTATION];
      return { ...(typeof hook === "string" ? { hook } : {}), id: idOf(value as Record<string, unknown>) };
    } catch {
      return {};
    }
  });
}

export function idOf(object: Record<string, unknown>): string {
  const metadata = (object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  return `${String(object.apiVersion)}|${String(object.kind)}|${String(metadata.namespace ?? "")}|${String(metadata.name)}`;
}

/** The objects of a YAML stream, document by document (a document starts at a `---` line, as in YAML itself). */
export function parseObjects(text: string): Record<string, unknown>[] {
  return text.split(/^---[ \t]*$/m).flatMap((documentText) =>
    structuredClone(
      memo(parsedDocuments, documentText, () =>
        parseAllDocuments(documentText, { uniqueKeys: false })
          .map((document) => document.toJS({ maxAliasCount: 1000 }) as unknown)
          .filter((value): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value)),
      ),
    ) as Record<string, unknown>[],
  );
}
