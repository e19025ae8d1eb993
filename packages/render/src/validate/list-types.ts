import { DEFAULT_KUBERNETES_VERSION, describeUnsupportedVersion, schemaVersionOf, type KubernetesVersion } from "../kubernetes-versions/index.js";
import { findCoreDefinition, loadKubernetesSchema, referencedDefinition, type KubernetesSchema } from "./kubernetes-schema.js";
import { isRecord, ownValue } from "./records.js";
import type { JsonSchema } from "./types.js";

/**
 * How server-side apply merges a list (`x-kubernetes-list-type`): `atomic` replaces it whole, `set`
 * merges unique scalars, `map` merges entries by `keys` (`x-kubernetes-list-map-keys`): no two
 * entries may have the same values at all the keys.
 */
export interface ListType {
  type: "atomic" | "set" | "map";
  /** For `map` lists, the key fields, in schema order. */
  keys?: string[];
}

export interface ListTypeQuery {
  /** @default DEFAULT_KUBERNETES_VERSION */
  kubernetesVersion?: string;
  apiVersion: string;
  kind: string;
  /**
   * From the object's root to the list: field names, and for a list item its index (any number) —
   * `["spec", "template", "spec", "containers", 0, "ports"]`. Map entries are named by their key.
   */
  path: readonly (string | number)[];
}

/**
 * The list type of a core kind's field, from the same Kubernetes API schema the validator checks it
 * against. Undefined when the kind is not a core kind of that version, the path leaves its schema,
 * or the field is not a list. Throws for an unsupported version.
 */
export function kubernetesListType(query: ListTypeQuery): ListType | undefined {
  const schema = loadKubernetesSchema(supportedVersion(query.kubernetesVersion));
  const root = findCoreDefinition(schema, query);
  let node: JsonSchema | undefined = root === undefined ? undefined : schema.definitions[root];
  for (const segment of query.path) {
    if (node === undefined) return undefined;
    node = step(schema, node, segment);
  }
  return node === undefined || resolve(schema, node).type !== "array" ? undefined : listTypeOf(node);
}

/**
 * A field of a core definition as server-side apply walks it: another definition (by name), a list
 * with its list type and element, or a map with its values. Scalars are left out.
 */
export type KubernetesFieldType = { definition: string } | (ListType & { element?: KubernetesFieldType }) | { map: KubernetesFieldType };

/** The Kubernetes API schema of one version, read as server-side apply reads it. */
export interface KubernetesListSchema {
  version: KubernetesVersion;
  /** The definition of a core kind, e.g. `io.k8s.api.apps.v1.Deployment`, or undefined for a kind the version does not serve. */
  kindDefinition(apiVersion: string, kind: string): string | undefined;
  /** The list, map and definition fields of a definition (undefined for an unknown name). */
  fields(definition: string): Record<string, KubernetesFieldType> | undefined;
}

const listSchemas = new Map<KubernetesVersion, KubernetesListSchema>();

/** The list types of every core kind of a Kubernetes version (see kubernetesListType). Throws for an unsupported version. */
export function kubernetesListSchema(kubernetesVersion?: string): KubernetesListSchema {
  const version = supportedVersion(kubernetesVersion);
  let listSchema = listSchemas.get(version);
  if (listSchema === undefined) {
    const schema = loadKubernetesSchema(version);
    const fields = new Map<string, Record<string, KubernetesFieldType> | undefined>();
    listSchema = {
      version,
      kindDefinition: (apiVersion, kind) => findCoreDefinition(schema, { apiVersion, kind }),
      fields(definition) {
        if (!fields.has(definition)) fields.set(definition, definitionFields(schema, definition));
        return fields.get(definition);
      },
    };
    listSchemas.set(version, listSchema);
  }
  return listSchema;
}

function supportedVersion(requested: string = DEFAULT_KUBERNETES_VERSION): KubernetesVersion {
  const version = schemaVersionOf(requested);
  if (version === undefined) throw new Error(`kubernetesVersion: ${describeUnsupportedVersion(requested)}`);
  return version;
}

function definitionFields(schema: KubernetesSchema, name: string): Record<string, KubernetesFieldType> | undefined {
  const definition = ownValue(schema.definitions, name);
  if (definition === undefined) return undefined;
  const fields: Record<string, KubernetesFieldType> = {};
  for (const [field, node] of Object.entries(isRecord(definition.properties) ? definition.properties : {})) {
    const type = isRecord(node) ? fieldType(schema, node) : undefined;
    if (type !== undefined) fields[field] = type;
  }
  return fields;
}

function fieldType(schema: KubernetesSchema, node: JsonSchema): KubernetesFieldType | undefined {
  const referenced = referencedDefinition(schema, node);
  // Definitions without properties (Time, Quantity, IntOrString, RawExtension) hold no lists.
  if (referenced) return isRecord(referenced.definition.properties) ? { definition: referenced.name } : undefined;
  if (node.type === "array") {
    const element = isRecord(node.items) ? fieldType(schema, node.items) : undefined;
    return { ...listTypeOf(node), ...(element ? { element } : {}) };
  }
  if (isRecord(node.additionalProperties)) {
    const values = fieldType(schema, node.additionalProperties);
    return values && { map: values };
  }
  return undefined;
}

function step(schema: KubernetesSchema, node: JsonSchema, segment: string | number): JsonSchema | undefined {
  const current = resolve(schema, node);
  if (typeof segment === "number") return isRecord(current.items) ? current.items : undefined;
  const property = isRecord(current.properties) ? ownValue(current.properties, segment) : undefined;
  if (isRecord(property)) return property;
  return isRecord(current.additionalProperties) ? current.additionalProperties : undefined;
}

/**
 * A list's type as the API server derives it (kube-openapi's schemaconv): `x-kubernetes-list-type`
 * and its map keys; else a strategic-merge `x-kubernetes-patch-strategy` of `merge` makes a map keyed
 * by `x-kubernetes-patch-merge-key` (a set without one), as in Kubernetes 1.28's `env` and `volumes`;
 * else atomic. The annotations sit beside the `$ref`-free `type: array`.
 */
function listTypeOf(node: JsonSchema): ListType {
  const type = node["x-kubernetes-list-type"];
  if (type === "map") return { type, keys: stringsOf(node["x-kubernetes-list-map-keys"]) };
  if (type === "set" || type === "atomic") return { type };
  const strategy = node["x-kubernetes-patch-strategy"];
  if (strategy === "merge" || strategy === "merge,retainKeys") {
    const key = node["x-kubernetes-patch-merge-key"];
    return typeof key === "string" ? { type: "map", keys: [key] } : { type: "set" };
  }
  return { type: "atomic" };
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((key): key is string => typeof key === "string") : [];
}

function resolve(schema: KubernetesSchema, node: JsonSchema): JsonSchema {
  return referencedDefinition(schema, node)?.definition ?? node;
}
