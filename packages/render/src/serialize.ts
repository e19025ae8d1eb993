import { fileURLToPath } from "node:url";
import { Pair, Scalar, stringify, YAMLMap, type Tags } from "yaml";

const MERGE_TAG = "tag:yaml.org,2002:merge";
// The YAML 1.1 schema decides which strings need quotes; without its merge tag, which would write
// a `<<` key plain whatever its quoting.
const YAML_OPTIONS = {
  version: "1.1",
  customTags: (tags: Tags) => tags.filter((tag) => typeof tag === "string" || tag.tag !== MERGE_TAG),
  lineWidth: 0,
  aliasDuplicateObjects: false,
} as const;

const topLevelOrder = ["apiVersion", "kind", "metadata"];
const metadataOrder = ["name", "namespace", "labels", "annotations"];

/**
 * Renders one object as YAML with a canonical key order, so bytes never depend on how the object
 * was built: apiVersion, kind, metadata (name, namespace first) and then every map sorted.
 *
 * Strings are quoted wherever a YAML 1.1 reader would take them for something else (`N`, `on`,
 * `yes` as booleans, `1:20` as a number): Kubernetes tools read manifests with go-yaml v2
 * (sigs.k8s.io/yaml), which follows YAML 1.1, and YAML 1.2 readers get the same strings. Beyond
 * YAML 1.1, go-yaml v2 reads plain scalars with Go's number parsers (`0o14`, `+Inf`, `0x1p-2`) and
 * `<<` as a merge key: such strings and keys are quoted too.
 */
export function toYaml(object: Record<string, unknown>): string {
  return stringify(canonical(object, topLevelOrder), YAML_OPTIONS);
}

function canonical(value: unknown, leading: readonly string[] = []): unknown {
  if (Array.isArray(value)) return value.map((item) => canonical(item));
  if (typeof value === "string") return goReadsAsNonString(value) ? quoted(value) : value;
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort((a, b) => rank(a, leading) - rank(b, leading) || compare(a, b));
  const valueOf = (key: string) => canonical(record[key], key === "metadata" && leading === topLevelOrder ? metadataOrder : []);
  if (keys.some((key) => key === "<<" || goReadsAsNonString(key))) {
    const map = new YAMLMap();
    for (const key of keys) map.items.push(new Pair(key === "<<" || goReadsAsNonString(key) ? quoted(key) : key, valueOf(key)));
    return map;
  }
  const result: Record<string, unknown> = {};
  for (const key of keys) result[key] = valueOf(key);
  return result;
}

// Go's strconv.ParseInt(s, 0, 64) and ParseFloat(s, 64) syntax, underscores allowed loosely.
const GO_INT = /^[-+]?(?:0x[0-9a-f_]+|0o[0-7_]+|0b[01_]+|[0-9][0-9_]*)$/i;
const GO_FLOAT = /^[-+]?(?:(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:e[-+]?[0-9_]+)?|0x(?:[0-9a-f_]+(?:\.[0-9a-f_]*)?|\.[0-9a-f_]+)p[-+]?[0-9_]+|inf(?:inity)?|nan)$/i;

/** go-yaml v2 tries Go's number parsers on plain scalars the YAML 1.1 schema leaves as strings. */
function goReadsAsNonString(text: string): boolean {
  return GO_INT.test(text) || GO_FLOAT.test(text);
}

function quoted(text: string): Scalar {
  const scalar = new Scalar(text);
  scalar.type = Scalar.QUOTE_DOUBLE;
  return scalar;
}

function rank(key: string, leading: readonly string[]): number {
  const index = leading.indexOf(key);
  return index === -1 ? leading.length : index;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** This module's file: with the yaml version pinned in the package manifest, what decides `toYaml`'s bytes (for caches of its output). */
export function serializerFile(): string {
  return fileURLToPath(import.meta.url);
}
