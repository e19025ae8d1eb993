import type { KubeObject } from "@flotilla/render";
import { type FieldType, type ListTypeResolver } from "./list-types.js";
import { isRecord } from "./pod-templates.js";

/** A list entry that server-side apply would reject: two entries of a list-map with the same key (or a set with the same value). */
export interface DuplicateListEntry {
  /** Path of the list, e.g. `.spec.template.spec.containers[name="ui"].env`. */
  path: string;
  /** The repeated key, e.g. `[name="X"]`. */
  key: string;
  /** The key fields, e.g. ["name"]. */
  keyFields: string[];
}

/**
 * The list entries of an object that server-side apply rejects with `duplicate entries for key`:
 * lists the schema marks `x-kubernetes-list-type: map` (keyed by `x-kubernetes-list-map-keys`, key
 * fields defaulted as the API server defaults them) or `set`.
 */
export function duplicateListEntries(object: KubeObject, resolver: ListTypeResolver): DuplicateListEntry[] {
  const root = resolver.root(object);
  if (root === undefined) return [];
  const found: DuplicateListEntry[] = [];
  walk(object, root, "", resolver, found);
  return found;
}

function walk(value: unknown, type: FieldType, path: string, resolver: ListTypeResolver, found: DuplicateListEntry[]): void {
  if ("type" in type) {
    if (!isRecord(value)) return;
    const fields = resolver.fields(type.type);
    if (fields === undefined) return;
    for (const [key, child] of Object.entries(value)) {
      const fieldType = fields[key];
      if (fieldType !== undefined) walk(child, fieldType, `${path}.${key}`, resolver, found);
    }
    return;
  }
  if ("map" in type) {
    if (!isRecord(value)) return;
    for (const [key, child] of Object.entries(value)) walk(child, type.map, `${path}[${JSON.stringify(key)}]`, resolver, found);
    return;
  }
  if (!Array.isArray(value)) return;
  const seen = new Set<string>();
  value.forEach((entry, index) => {
    let entryPath = `${path}[${index}]`;
    if (type.list === "associative" && type.keys) {
      const key = keyOf(entry, type.keys, type.keyDefaults ?? {});
      entryPath = `${path}${key}`;
      if (seen.has(key)) found.push({ path, key, keyFields: type.keys });
      seen.add(key);
    } else if (type.list === "set") {
      const key = `[${JSON.stringify(entry)}]`;
      if (seen.has(key)) found.push({ path, key, keyFields: [] });
      seen.add(key);
    }
    if (type.element) walk(entry, type.element, entryPath, resolver, found);
  });
}

function keyOf(entry: unknown, keys: string[], defaults: Record<string, unknown>): string {
  const record = isRecord(entry) ? entry : {};
  return `[${keys.map((key) => `${key}=${JSON.stringify(record[key] ?? defaults[key] ?? null)}`).join(",")}]`;
}
