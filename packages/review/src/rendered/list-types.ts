import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { KubeObject } from "@flotilla/render";
import { kubernetesListSchema, type KubernetesFieldType } from "@flotilla/render/validate";
import { isRecord } from "./pod-templates.js";

/** A field's type as server-side apply sees it: a named type, a list (associative with keys, set or atomic) or a map. */
export type FieldType =
  | { type: string }
  | { list: "associative" | "set" | "atomic"; keys?: string[]; keyDefaults?: Record<string, unknown>; element?: FieldType }
  | { map: FieldType };

interface ListTypesFile {
  kubernetesVersion: string;
  types: Record<string, Record<string, FieldType>>;
}

/**
 * client-go's structured-merge-diff schema of Kubernetes 1.34, reduced to lists; see data/SOURCES.md.
 * The list types and map keys come from the cluster's own version of the OpenAPI definitions the
 * validator uses (`kubernetesListSchema`); this file gives only what those lack: the defaults of key
 * fields (OpenAPI v2 carries no `default`, yet server-side apply defaults an omitted `protocol` to
 * TCP before it compares the keys of `ports`). packages/review/test/list-map-keys.test.ts fails if its keys
 * and the definitions' ever disagree.
 */
const LIST_TYPES_FILE = new URL("../../data/kubernetes-1.34-list-types.json", import.meta.url);
let keyDefaultsByField: Map<string, Record<string, unknown>> | undefined;

/** The data files the checks over rendered clusters read besides the Kubernetes schemas and the CRDs they are given (a cache of their answers must follow them). */
export function renderedCheckFiles(): string[] {
  return [fileURLToPath(LIST_TYPES_FILE)];
}

/** `definition.field` -> the defaults of that list's key fields. */
function keyDefaults(): Map<string, Record<string, unknown>> {
  if (keyDefaultsByField === undefined) {
    const file = JSON.parse(readFileSync(LIST_TYPES_FILE, "utf8")) as ListTypesFile;
    keyDefaultsByField = new Map();
    for (const [definition, fields] of Object.entries(file.types)) {
      for (const [field, type] of Object.entries(fields)) if ("keyDefaults" in type && type.keyDefaults) keyDefaultsByField.set(`${definition}.${field}`, type.keyDefaults);
    }
  }
  return keyDefaultsByField;
}

/** A core field's type as the list-map check walks it, with the key defaults of `definition.field`. */
function builtInType(type: KubernetesFieldType, owner?: string): FieldType {
  if ("definition" in type) return { type: type.definition };
  if ("map" in type) return { map: builtInType(type.map) };
  const defaults = type.type === "map" && owner !== undefined ? keyDefaults().get(owner) : undefined;
  return {
    list: type.type === "map" ? "associative" : type.type,
    ...(type.keys ? { keys: type.keys } : {}),
    ...(defaults ? { keyDefaults: defaults } : {}),
    ...(type.element ? { element: builtInType(type.element) } : {}),
  };
}

/**
 * Resolves the fields of an object: built-in kinds from the Kubernetes schema
 * (`io.k8s.api.<group>.<version>.<Kind>`), custom resources from their CRD's openAPIV3Schema.
 */
export interface ListTypeResolver {
  /** The field type of a whole object, or undefined for a kind nobody describes. */
  root(object: KubeObject): FieldType | undefined;
  /** The fields of a named type (built-in types only). */
  fields(type: string): Record<string, FieldType> | undefined;
  /** A field type of a CRD schema node, translated on demand. */
  schemaNode(node: unknown, field: string): FieldType | undefined;
}

/** CRDs by `group/version/kind`: their openAPIV3Schema. */
export type CrdSchemas = ReadonlyMap<string, unknown>;

/** The openAPIV3Schema of every served version of the CRDs, keyed `group/version/Kind`. */
export function crdSchemas(crds: readonly KubeObject[]): Map<string, unknown> {
  const schemas = new Map<string, unknown>();
  for (const crd of crds) {
    if (crd.kind !== "CustomResourceDefinition") continue;
    const spec = crd.spec as { group?: string; names?: { kind?: string }; versions?: { name?: string; schema?: { openAPIV3Schema?: unknown } }[] } | undefined;
    for (const version of spec?.versions ?? []) {
      if (version.schema?.openAPIV3Schema) schemas.set(`${spec?.group}/${version.name}/${spec?.names?.kind}`, version.schema.openAPIV3Schema);
    }
  }
  return schemas;
}

const CRD_NODE = "crd:";

/** Built-in kinds from the schema of `kubernetesVersion` (throws for one that does not ship), custom resources from `crds`. */
export function listTypeResolver(crds: CrdSchemas, kubernetesVersion: string): ListTypeResolver {
  const core = kubernetesListSchema(kubernetesVersion);
  const builtIn = new Map<string, Record<string, FieldType> | undefined>();
  const nodes: unknown[] = [];
  /** CRD schema nodes are referenced by index, so a FieldType stays plain data. */
  const nodeType = (node: unknown): FieldType => {
    nodes.push(node);
    return { type: `${CRD_NODE}${nodes.length - 1}` };
  };
  return {
    root(object) {
      const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : ["", object.apiVersion];
      const crd = crds.get(`${group}/${version}/${object.kind}`);
      if (crd !== undefined) return nodeType(crd);
      const definition = core.kindDefinition(object.apiVersion, object.kind);
      return definition === undefined ? undefined : { type: definition };
    },
    fields(type) {
      if (!type.startsWith(CRD_NODE)) {
        if (!builtIn.has(type)) {
          const fields = core.fields(type);
          builtIn.set(type, fields && Object.fromEntries(Object.entries(fields).map(([field, fieldType]) => [field, builtInType(fieldType, `${type}.${field}`)])));
        }
        return builtIn.get(type);
      }
      const node = nodes[Number(type.slice(CRD_NODE.length))];
      if (!isRecord(node) || !isRecord(node.properties)) return undefined;
      const fields: Record<string, FieldType> = {};
      for (const [key, child] of Object.entries(node.properties)) {
        const translated = this.schemaNode(child, key);
        if (translated) fields[key] = translated;
      }
      return fields;
    },
    schemaNode(node) {
      if (!isRecord(node)) return undefined;
      if (node.type === "array") {
        const listType = node["x-kubernetes-list-type"];
        const keys = node["x-kubernetes-list-map-keys"];
        const element = isRecord(node.items) ? nodeType(node.items) : undefined;
        if (listType === "map" && Array.isArray(keys)) return { list: "associative", keys: keys as string[], ...(element ? { element } : {}) };
        if (listType === "set") return { list: "set" };
        return element ? { list: "atomic", element } : undefined;
      }
      if (node.type === "object" && isRecord(node.additionalProperties)) return { map: nodeType(node.additionalProperties) };
      return isRecord(node.properties) ? nodeType(node) : undefined;
    },
  };
}
