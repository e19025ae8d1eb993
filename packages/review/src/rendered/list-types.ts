import { readFileSync } from "node:fs";
import type { KubeObject } from "@flotilla/render";
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

/** client-go's structured-merge-diff schema of Kubernetes 1.34, reduced to lists; see data/SOURCES.md. */
const LIST_TYPES_FILE = new URL("../../data/kubernetes-1.34-list-types.json", import.meta.url);
let builtIn: ListTypesFile | undefined;

function builtInTypes(): ListTypesFile {
  builtIn ??= JSON.parse(readFileSync(LIST_TYPES_FILE, "utf8")) as ListTypesFile;
  return builtIn;
}

/** The Kubernetes version of the built-in list types. */
export function listTypesVersion(): string {
  return builtInTypes().kubernetesVersion;
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

export function listTypeResolver(crds: CrdSchemas): ListTypeResolver {
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
      const name = `io.k8s.api.${group === "" ? "core" : group!.split(".")[0]}.${version}.${object.kind}`;
      return builtInTypes().types[name] ? { type: name } : undefined;
    },
    fields(type) {
      if (!type.startsWith(CRD_NODE)) return builtInTypes().types[type];
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
