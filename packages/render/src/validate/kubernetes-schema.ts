import { readFileSync } from "node:fs";
import type { KubernetesVersion } from "../kubernetes-versions/index.js";
import { isCheckedFormat } from "./formats.js";
import { apiVersionOf, type GroupVersionKind } from "./group-version-kind.js";
import { isRecord, ownValue } from "./records.js";
import type { SchemaUnit } from "./schema-units.js";
import type { JsonSchema } from "./types.js";
import { toSchemaUnit, unitReference } from "./unit-links.js";

const DEFINITION_REF_PREFIX = "#/definitions/";
const UNIT_KEY_PREFIX = "kubernetes:";

export const OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/** The Kubernetes API definitions of one version, vendored verbatim; see schemas/SOURCES.md. */
export function kubernetesSchemaFile(version: KubernetesVersion): URL {
  return new URL(`../../schemas/kubernetes-${version}.json`, import.meta.url);
}

export interface KubernetesSchema {
  version: KubernetesVersion;
  /** The OpenAPI definitions as Kubernetes publishes them, by name (`io.k8s.api.core.v1.Pod`). */
  definitions: Record<string, JsonSchema>;
  /** apiVersion -> kind -> definition name, from each definition's `x-kubernetes-group-version-kind`. */
  kinds: Record<string, Record<string, string>>;
}

const loaded = new Map<KubernetesVersion, KubernetesSchema>();

/** Reads a version's schema on first use and keeps it for the life of the process. */
export function loadKubernetesSchema(version: KubernetesVersion): KubernetesSchema {
  let schema = loaded.get(version);
  if (!schema) {
    const { definitions } = JSON.parse(readFileSync(kubernetesSchemaFile(version), "utf8")) as { definitions: Record<string, JsonSchema> };
    schema = { version, definitions, kinds: indexKinds(definitions) };
    loaded.set(version, schema);
  }
  return schema;
}

/**
 * Kinds are the definitions with exactly one group/version/kind: DeleteOptions and WatchEvent
 * claim one in every API group, and are not objects anyone applies.
 */
function indexKinds(definitions: Record<string, JsonSchema>): KubernetesSchema["kinds"] {
  const kinds: KubernetesSchema["kinds"] = {};
  for (const [name, definition] of Object.entries(definitions)) {
    const gvks = definition["x-kubernetes-group-version-kind"];
    if (!Array.isArray(gvks) || gvks.length !== 1 || !isRecord(gvks[0])) continue;
    const { group, version, kind } = gvks[0];
    if (typeof group !== "string" || typeof version !== "string" || typeof kind !== "string") continue;
    (kinds[apiVersionOf(group, version)] ??= {})[kind] = name;
  }
  return kinds;
}

export function findCoreDefinition(schema: KubernetesSchema, { apiVersion, kind }: GroupVersionKind): string | undefined {
  const byKind = ownValue(schema.kinds, apiVersion);
  return byKind && ownValue(byKind, kind);
}

export function definitionUnitKey(definition: string): string {
  return UNIT_KEY_PREFIX + definition;
}

/** A subschema checked by the unit of a definition. */
export function definitionReference(definition: string): JsonSchema {
  return unitReference(definitionUnitKey(definition));
}

/** The unit of a `definitionReference` key: the definition made strict, linking to the definitions it references. */
export function kubernetesUnit(schema: KubernetesSchema, key: string): SchemaUnit | undefined {
  if (!key.startsWith(UNIT_KEY_PREFIX)) return undefined;
  const definition = ownValue(schema.definitions, key.slice(UNIT_KEY_PREFIX.length));
  return definition && toSchemaUnit(new DefinitionConverter(schema).convert(definition));
}

/** The definition a `$ref` names, or undefined for another kind of node. */
export function referencedDefinition(schema: KubernetesSchema, node: JsonSchema): { name: string; definition: JsonSchema } | undefined {
  if (typeof node.$ref !== "string" || !node.$ref.startsWith(DEFINITION_REF_PREFIX)) return undefined;
  const name = node.$ref.slice(DEFINITION_REF_PREFIX.length);
  const definition = ownValue(schema.definitions, name);
  if (!definition) throw new Error(`kubernetes ${schema.version} schema: dangling $ref ${node.$ref}`);
  return { name, definition };
}

/**
 * Turns an OpenAPI definition into the strict JSON schema ajv checks, as the API server reads it
 * and `kubeconform -strict` checks it:
 *
 * - an object schema that lists properties rejects any other field, unless it has
 *   `additionalProperties` (a map) or `x-kubernetes-preserve-unknown-fields: true`; an object schema
 *   without properties (RawExtension, FieldsV1) holds any object;
 * - `format: int-or-string`, `x-kubernetes-int-or-string` and a `oneOf` of bare types (how the
 *   vendored files spell IntOrString and Quantity) become a list of types;
 * - `x-kubernetes-list-type: set` requires unique items; `x-kubernetes-embedded-resource` requires
 *   apiVersion and kind and checks `metadata` as ObjectMeta;
 * - formats outside formats.ts are not checked; descriptions and the other `x-kubernetes-*`
 *   annotations (list-map keys, patch strategies, unions) do not constrain a single object.
 *
 * A `$ref` to an object definition becomes a link to that definition's unit; other definitions
 * (Time, IntOrString, Quantity) are inlined.
 */
class DefinitionConverter {
  constructor(private readonly schema: KubernetesSchema) {}

  convert(node: JsonSchema): JsonSchema {
    const referenced = referencedDefinition(this.schema, node);
    if (referenced) return referenced.definition.properties === undefined ? this.convert(referenced.definition) : definitionReference(referenced.name);
    const result: JsonSchema = {};
    const types = typesOf(node);
    if (types.length > 0) result.type = types.length === 1 ? types[0] : types;
    for (const keyword of ["enum", "required"] as const) {
      if (Array.isArray(node[keyword])) result[keyword] = node[keyword];
    }
    if (isCheckedFormat(node.format)) result.format = node.format;
    if (node["x-kubernetes-list-type"] === "set") result.uniqueItems = true;
    if (isRecord(node.properties)) {
      result.properties = Object.fromEntries(Object.entries(node.properties).map(([name, property]) => [name, this.convertChild(property)]));
    }
    if (typeof node.additionalProperties === "boolean") result.additionalProperties = node.additionalProperties;
    else if (isRecord(node.additionalProperties)) result.additionalProperties = this.convert(node.additionalProperties);
    if (isRecord(node.items)) result.items = this.convert(node.items);
    if (node["x-kubernetes-embedded-resource"] === true) addEmbeddedResourceFields(result);
    if (result.properties !== undefined && result.additionalProperties === undefined && node["x-kubernetes-preserve-unknown-fields"] !== true) {
      result.additionalProperties = false;
    }
    return result;
  }

  private convertChild(node: unknown): JsonSchema {
    return isRecord(node) ? this.convert(node) : {};
  }
}

function typesOf(node: JsonSchema): string[] {
  if (node.format === "int-or-string" || node["x-kubernetes-int-or-string"] === true) return ["integer", "string"];
  if (typeof node.type === "string") return [node.type];
  const branches = node.oneOf;
  const bareTypes = Array.isArray(branches) && branches.every((branch) => isRecord(branch) && Object.keys(branch).length === 1 && typeof branch.type === "string");
  // ["integer", "string"] rather than the files' ["string", "integer"]: messages read "expected integer or string".
  return bareTypes ? (branches as { type: string }[]).map((branch) => branch.type).sort() : [];
}

function addEmbeddedResourceFields(result: JsonSchema): void {
  const properties = isRecord(result.properties) ? result.properties : {};
  result.properties = {
    ...properties,
    apiVersion: properties.apiVersion ?? { type: "string" },
    kind: properties.kind ?? { type: "string" },
    metadata: definitionReference(OBJECT_META),
  };
  const required = Array.isArray(result.required) ? result.required : [];
  result.required = [...new Set([...required, "apiVersion", "kind"])];
}
