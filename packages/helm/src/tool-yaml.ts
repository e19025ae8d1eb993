import jsYaml from "js-yaml";

/**
 * Plain scalars resolved exactly as the yaml library's core schema (YAML 1.2 core) resolves them,
 * its patterns copied (js-yaml's own core schema also reads `0b1` and `1_000` as numbers).
 */
const CORE_AS_YAML_LIBRARY = jsYaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    new jsYaml.Type("tag:yaml.org,2002:null", { kind: "scalar", resolve: (text: string) => /^(?:~|[Nn]ull|NULL)?$/.test(text), construct: () => null }),
    new jsYaml.Type("tag:yaml.org,2002:bool", { kind: "scalar", resolve: (text: string) => /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(text), construct: (text: string) => text[0] === "t" || text[0] === "T" }),
    new jsYaml.Type("tag:yaml.org,2002:int", {
      kind: "scalar",
      resolve: (text: string) => /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/.test(text),
      construct: (text: string) => (text.startsWith("0o") ? parseInt(text.slice(2), 8) : text.startsWith("0x") ? parseInt(text.slice(2), 16) : parseInt(text, 10)),
    }),
    new jsYaml.Type("tag:yaml.org,2002:float", {
      kind: "scalar",
      resolve: (text: string) => /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(text),
      construct: (text: string) => (/nan$/i.test(text) ? NaN : /inf$/i.test(text) ? (text[0] === "-" ? -Infinity : Infinity) : parseFloat(text)),
    }),
  ],
});

/**
 * What js-yaml and the yaml library may read differently, so the text is left to the yaml
 * library: anchors, aliases and tags (the yaml library limits alias expansion, and tags name
 * types beyond the core schema), directives, explicit (`? `) keys, and collections as keys (the
 * two libraries name their properties differently). A null key (`~:`), which js-yaml names
 * "null" and the yaml library "", is found in what js-yaml read (withNullKey).
 */
const NOT_FOR_FAST_READ = [/(?:^|[\s[\]{},:-])[&*!]/, /^%/m, /^[ \t]*(?:- +)*\?(?:[ \t]|$)/m, /[\]}][ \t]*:(?:[ \t]|$)/];

/**
 * The documents of YAML that kustomize printed (kyaml writes only well-formed YAML), as the yaml
 * library's `parseAllDocuments(text, { uniqueKeys: false })` and `toJS()` give them, read by
 * js-yaml, which is ~9 times faster on such output. Undefined when the text has a form the two
 * libraries may read differently, an empty document, a key twice or an error: the caller then
 * reads it with the yaml library, as before (its messages, its alias limit). Not for YAML that
 * templates or people wrote: js-yaml accepts some malformed YAML (a quoted scalar continued on an
 * unindented line) that the yaml library refuses.
 */
export function toolYamlDocuments(text: string): unknown[] | undefined {
  // FLOTILLA_BENCH_WITHOUT=tool-yaml leaves everything to the yaml library, so that the bench can show the gain.
  if ((process.env.FLOTILLA_BENCH_WITHOUT ?? "").split(",").includes("tool-yaml")) return undefined;
  if (NOT_FOR_FAST_READ.some((pattern) => pattern.test(text))) return undefined;
  try {
    const documents = jsYaml.loadAll(text, undefined, { schema: CORE_AS_YAML_LIBRARY });
    // The two libraries count empty documents differently (a text of comments only is none or one).
    return documents.some((document) => document === null || document === undefined || withNullKey(document)) ? undefined : documents;
  } catch {
    return undefined;
  }
}

/** Whether a mapping in the value has the property "null": a null key in js-yaml's reading, or a quoted "null". */
function withNullKey(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some(withNullKey);
  for (const key in value) if (key === "null" || withNullKey((value as Record<string, unknown>)[key])) return true;
  return false;
}
