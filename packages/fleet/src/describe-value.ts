/**
 * Short, safe descriptions of user-supplied values for problem messages.
 *
 * Values are truncated, objects are never dumped, and anything that looks like a credential is
 * withheld, so messages can be printed in CI logs.
 */

/** Longest string shown in a message, in characters (longer ones are cut with "…"). */
export const MAX_SHOWN_LENGTH = 60;

const SECRET_PREFIXES = [
  "ghp_",
  "gho_",
  "ghu_",
  "ghs_",
  "ghr_",
  "github_pat_",
  "glpat-",
  "xoxb-",
  "xoxp-",
  "AKIA",
  "sk-",
  "-----BEGIN",
  "ssh-rsa ",
  "ssh-ed25519 ",
];

/**
 * Whether a string looks like a credential: a well-known token prefix, a private key, a JWT,
 * or a long run of mixed-case letters and digits without separators (PATs, keys, SAS signatures).
 */
export function looksLikeSecret(value: string): boolean {
  const trimmed = value.trim();
  if (SECRET_PREFIXES.some((prefix) => trimmed.startsWith(prefix))) return true;
  if (/^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./.test(trimmed)) return true;
  if (/[?&](sig|token|access_token|password)=/i.test(trimmed)) return true;
  for (const run of trimmed.match(/[A-Za-z0-9+=_]{32,}/g) ?? []) {
    if (/[a-z]/.test(run) && /[A-Z]/.test(run) && /[0-9]/.test(run)) return true;
  }
  return false;
}

/** Replaces the password of `scheme://user:password@host/...` with `***`. */
export function maskUrlPassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, "$1:***@");
}

/** Cuts a string to `max` characters, marking the cut with "…". */
export function truncate(value: string, max = MAX_SHOWN_LENGTH): string {
  const chars = Array.from(value);
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join("")}…`;
}

/** A string value as shown in messages: quoted, truncated, password-masked, or withheld. */
export function showString(value: string): string {
  const masked = maskUrlPassword(value);
  if (looksLikeSecret(masked)) return "a value that looks like a secret (not shown)";
  return JSON.stringify(truncate(masked));
}

/** Any value as shown after "got": `"dev"`, `number 42`, `true`, `null`, `a list`, `an object`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return showString(value);
  if (typeof value === "number" || typeof value === "bigint") return `number ${String(value)}`;
  if (typeof value === "boolean") return String(value);
  if (typeof value === "function") return "a function";
  if (typeof value === "symbol") return "a symbol";
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : `a list of ${value.length}`;
  return "an object";
}
