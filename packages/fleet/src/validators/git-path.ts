import { showString } from "../describe-value.js";

/**
 * Checks `git.path`, the directory of the repository Flux applies for a cluster: relative,
 * '/'-separated parts of letters, digits, '.', '_' and '-'; no leading or trailing '/', no empty,
 * '.' or '..' parts. Returns a message (with the fixed path where obvious), or `undefined`.
 */
export function checkGitPath(value: string): string | undefined {
  const shown = showString(value);
  const expected = `expected a relative directory like "clusters/dev"`;
  if (value.length === 0) return `${expected}, got an empty string`;
  if (value.length > 255) return `must be at most 255 characters, got ${value.length}`;
  if (value.includes("\\")) return `${expected} with '/' separators, got ${shown}`;
  const parts = value.split("/");
  if (parts.includes("..")) return `must not contain '..' (it must stay inside the repository), got ${shown}`;
  const fixed = parts.filter((part) => part !== "" && part !== ".").join("/");
  const hint = fixed !== "" && fixed !== value ? `; use ${JSON.stringify(fixed)}` : "";
  if (value.startsWith("/")) return `must be relative to the repository root (no leading '/'), got ${shown}${hint}`;
  if (value.endsWith("/")) return `must not end with '/', got ${shown}${hint}`;
  if (parts.includes("")) return `must not contain '//', got ${shown}${hint}`;
  if (parts.includes(".")) return `must not contain '.' parts, got ${shown}${hint}`;
  const bad = Array.from(value).find((ch) => !/[A-Za-z0-9._\-/]/.test(ch));
  if (bad !== undefined) {
    return `may contain only letters, digits, '.', '_', '-' and '/', got ${shown} (${JSON.stringify(bad)} is not allowed)`;
  }
  return undefined;
}

/** Whether directory `inner` is `outer` itself or lies below it (both checked paths). */
export function isSameOrInside(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(`${outer}/`);
}
