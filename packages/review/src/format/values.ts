import { containsEncryptedValue } from "../manifests/sops.js";
import type { FieldChange, ObjectDiff } from "../diff/types.js";

const MAX_VALUE_CHARS = 160;

/** A value on one line: strings quoted (JSON), maps and lists as compact JSON, cut at 160 characters; ciphertext never shown. */
export function showValue(value: unknown): string {
  if (containsEncryptedValue(value)) return "(encrypted)";
  const text = value === undefined ? "(none)" : JSON.stringify(value) ?? String(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/** `Kind namespace/name` (or `Kind name` when cluster-scoped). */
export function objectTitle(object: Pick<ObjectDiff, "kind" | "namespace" | "name">): string {
  return `${object.kind} ${object.namespace ? `${object.namespace}/` : ""}${object.name}`;
}

/** One line per field change, in `diff` style: `- old`, `+ new`, `! encrypted`. */
export function fieldLines(field: FieldChange): string[] {
  if (field.encrypted) {
    const what = field.change === "changed" ? "re-encrypted (value may have changed)" : `${field.change} (encrypted)`;
    return [`! ${field.path}: ${what}`];
  }
  switch (field.change) {
    case "added":
      return [`+ ${field.path}: ${showValue(field.after)}`];
    case "removed":
      return [`- ${field.path}: ${showValue(field.before)}`];
    case "changed":
      return [`- ${field.path}: ${showValue(field.before)}`, `+ ${field.path}: ${showValue(field.after)}`];
  }
}

/** `2 added, 1 changed` (zeros left out), or `no changes`. */
export function describeCounts(counts: { added: number; removed: number; changed: number }): string {
  const parts = (["added", "removed", "changed"] as const).filter((kind) => counts[kind] > 0).map((kind) => `${counts[kind]} ${kind}`);
  return parts.length > 0 ? parts.join(", ") : "no changes";
}
