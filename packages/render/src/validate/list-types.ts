import { DEFAULT_KUBERNETES_VERSION, describeUnsupportedVersion, schemaVersionOf } from "../kubernetes-versions/index.js";
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
 * or the field is not a list; a list the schema gives no list type is `atomic`, as for the API
 * server. Throws for an unsupported version.
 */
export function kubernetesListType(query: ListTypeQuery): ListType | undefined {
  const requested = query.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
  const version = schemaVersionOf(requested);
  if (version === undefined) throw new Error(`kubernetesVersion: ${describeUnsupportedVersion(requested)}`);
  const schema = loadKubernetesSchema(version);
  const root = findCoreDefinition(schema, query);
  let node: JsonSchema | undefined = root === undefined ? undefined : schema.definitions[root];
  for (const segment of query.path) {
    if (node === undefined) return undefined;
    node = step(schema, node, segment);
  }
  return node === undefined ? undefined : listTypeOf(schema, node);
}

function step(schema: KubernetesSchema, node: JsonSchema, segment: string | number): JsonSchema | undefined {
  const current = resolve(schema, node);
  if (typeof segment === "number") return isRecord(current.items) ? current.items : undefined;
  const property = isRecord(current.properties) ? ownValue(current.properties, segment) : undefined;
  if (isRecord(property)) return property;
  return isRecord(current.additionalProperties) ? current.additionalProperties : undefined;
}

function listTypeOf(schema: KubernetesSchema, node: JsonSchema): ListType | undefined {
  // The list annotations sit beside the `$ref`-free `type: array`; a referenced definition is never a list.
  if (resolve(schema, node).type !== "array") return undefined;
  const type = node["x-kubernetes-list-type"];
  if (type === "map") {
    const keys = node["x-kubernetes-list-map-keys"];
    return { type, keys: Array.isArray(keys) ? keys.filter((key): key is string => typeof key === "string") : [] };
  }
  return { type: type === "set" ? "set" : "atomic" };
}

function resolve(schema: KubernetesSchema, node: JsonSchema): JsonSchema {
  return referencedDefinition(schema, node)?.definition ?? node;
}
