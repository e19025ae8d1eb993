import { fileURLToPath } from "node:url";
import { stringify } from "yaml";

const topLevelOrder = ["apiVersion", "kind", "metadata"];
const metadataOrder = ["name", "namespace", "labels", "annotations"];

/**
 * Renders one object as YAML with a canonical key order, so bytes never depend on how the object
 * was built: apiVersion, kind, metadata (name, namespace first) and then every map sorted.
 *
 * Strings are quoted wherever a YAML 1.1 reader would take them for something else (`N`, `on`,
 * `yes` as booleans, `1:20` as a number): Kubernetes tools read manifests with go-yaml v2
 * (sigs.k8s.io/yaml), which follows YAML 1.1, and YAML 1.2 readers get the same strings.
 */
export function toYaml(object: Record<string, unknown>): string {
  return stringify(canonical(object, topLevelOrder), { version: "1.1", lineWidth: 0, aliasDuplicateObjects: false });
}

function canonical(value: unknown, leading: readonly string[] = []): unknown {
  if (Array.isArray(value)) return value.map((item) => canonical(item));
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort((a, b) => rank(a, leading) - rank(b, leading) || compare(a, b));
  const result: Record<string, unknown> = {};
  for (const key of keys) {
    if (record[key] === undefined) continue;
    result[key] = canonical(record[key], key === "metadata" && leading === topLevelOrder ? metadataOrder : []);
  }
  return result;
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
