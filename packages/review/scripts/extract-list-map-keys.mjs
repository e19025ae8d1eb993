#!/usr/bin/env node
// Regenerates data/kubernetes-<version>-list-types.json from client-go's structured-merge-diff schema
// (applyconfigurations/internal/internal.go: the schema server-side apply uses for built-in types,
// generated from the Kubernetes OpenAPI). See data/SOURCES.md.
//   node scripts/extract-list-map-keys.mjs <internal.go> <kubernetes version> > data/kubernetes-<version>-list-types.json
import { readFileSync } from "node:fs";
import { parse } from "yaml";

const [file, version] = process.argv.slice(2);
if (!file || !version) {
  console.error("usage: extract-list-map-keys.mjs <client-go applyconfigurations/internal/internal.go> <kubernetes version>");
  process.exit(2);
}
const source = readFileSync(file, "utf8");
const start = source.indexOf("typed.YAMLObject(`") + "typed.YAMLObject(`".length;
const schema = parse(source.slice(start, source.indexOf("`)", start)));

/** A field's type, reduced to what list-map checks need: named types, lists (associative keys or set) and maps. */
function reduce(type) {
  if (type.namedType) return type.namedType === "__untyped_atomic_" || type.namedType === "__untyped_deduced_" ? undefined : { type: type.namedType };
  if (type.list) {
    const element = reduce(type.list.elementType);
    const relationship = type.list.elementRelationship ?? "atomic";
    if (relationship === "atomic" && element === undefined) return undefined;
    return { list: relationship, ...(type.list.keys ? { keys: type.list.keys } : {}), ...(element ? { element } : {}) };
  }
  if (type.map) {
    const element = type.map.elementType ? reduce(type.map.elementType) : undefined;
    return element ? { map: element } : undefined;
  }
  return undefined;
}

const defaults = new Map();
for (const { name, map } of schema.types) {
  for (const field of map?.fields ?? []) if (field.default !== undefined) defaults.set(`${name}.${field.name}`, field.default);
}
/** The defaults of an associative list's key fields (SSA defaults the applied object before comparing keys). */
function keyDefaults(list) {
  const element = list.element?.type;
  const found = Object.fromEntries((list.keys ?? []).flatMap((key) => (defaults.has(`${element}.${key}`) ? [[key, defaults.get(`${element}.${key}`)]] : [])));
  return Object.keys(found).length > 0 ? { keyDefaults: found } : {};
}

const types = {};
for (const { name, map } of schema.types) {
  if (!map?.fields) continue;
  const fields = {};
  for (const field of map.fields) {
    const reduced = reduce(field.type);
    if (reduced) fields[field.name] = reduced.keys ? { ...reduced, ...keyDefaults(reduced) } : reduced;
  }
  if (Object.keys(fields).length > 0) types[name] = fields;
}
process.stdout.write(`${JSON.stringify({ kubernetesVersion: version, types })}\n`);
