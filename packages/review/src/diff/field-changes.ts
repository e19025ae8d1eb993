import diff from "microdiff";
import { jsonPathKey } from "@flotilla/render";
import { containsEncryptedValue, isEncryptedValue, isSopsEncrypted, sopsSummary } from "../manifests/sops.js";
import type { FieldChange } from "./types.js";

/** At most this many leaves are listed for a map or list that was added or removed as a whole. */
const MAX_LEAVES = 50;

/**
 * Field-level changes between two versions of an object, by JSON path. The `sops` block is
 * compared as its readable summary (recipients, encryption rules; see sopsSummary). A ciphertext
 * that changed is reported as `encrypted` without values: without the keys nobody can tell whether
 * the plaintext changed, since every re-encryption changes every ciphertext.
 */
export function fieldChanges(before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const difference of diff(reviewable(before), reviewable(after))) {
    const path = difference.path;
    if (difference.type === "CHANGE") {
      const { oldValue, value } = difference;
      if (isEncryptedValue(oldValue) || isEncryptedValue(value)) changes.push({ path: toPath(path), change: "changed", encrypted: true });
      else if (isContainer(oldValue) || isContainer(value)) {
        leaves(oldValue, path, "removed", changes);
        leaves(value, path, "added", changes);
      } else changes.push({ path: toPath(path), change: "changed", before: oldValue, after: value });
    } else if (difference.type === "CREATE") leaves(difference.value, path, "added", changes);
    else leaves(difference.oldValue, path, "removed", changes);
  }
  return changes;
}

/** The object as review compares it. */
function reviewable(object: Record<string, unknown>): Record<string, unknown> {
  if (!isSopsEncrypted(object)) return object;
  return { ...object, sops: sopsSummary(object.sops) };
}

function isContainer(value: unknown): boolean {
  return value !== null && typeof value === "object";
}

function leaves(value: unknown, path: (string | number)[], change: "added" | "removed", into: FieldChange[]): void {
  const found: [(string | number)[], unknown][] = [];
  collect(value, path, found);
  const shown = found.length > MAX_LEAVES ? [[path, value] as [(string | number)[], unknown]] : found;
  for (const [at, leaf] of shown) {
    const entry: FieldChange = { path: toPath(at), change };
    if (containsEncryptedValue(leaf)) entry.encrypted = true;
    else if (change === "added") entry.after = leaf;
    else entry.before = leaf;
    into.push(entry);
  }
}

function collect(value: unknown, path: (string | number)[], into: [(string | number)[], unknown][]): void {
  const entries = Array.isArray(value)
    ? value.map((item, index) => [index, item] as const)
    : value !== null && typeof value === "object"
      ? Object.entries(value)
      : undefined;
  if (entries === undefined || entries.length === 0) {
    into.push([path, value]);
    return;
  }
  for (const [key, item] of entries) collect(item, [...path, key], into);
}

/** `.spec.containers[0].name`, `.metadata.labels["app.kubernetes.io/name"]`. */
export function toPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return ".";
  return path.map((segment) => (typeof segment === "number" ? `[${segment}]` : jsonPathKey(segment))).join("");
}
