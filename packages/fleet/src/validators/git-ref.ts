import { showString } from "../describe-value.js";

/**
 * Checks a branch name against the rules of `git check-ref-format --branch`: no empty, '.'-led
 * or '.lock'-ending components, no '..', '@{', '//', control characters, spaces or any of
 * `~ ^ : ? * [ \`; not starting with '-' or '/', not ending with '/' or '.'; not `@`.
 * Returns a message naming the broken rule, or `undefined`.
 */
export function checkBranchName(value: string): string | undefined {
  const shown = showString(value);
  const broken = brokenRule(value);
  return broken === undefined ? undefined : `expected a valid Git branch name like "main": ${broken}, got ${shown}`;
}

function brokenRule(value: string): string | undefined {
  if (value.length === 0) return "must not be empty";
  if (value.startsWith("refs/")) return "write the short branch name, without 'refs/heads/'";
  if (value === "@" || value === "HEAD") return `${JSON.stringify(value)} is not a branch name`;
  if (value.startsWith("-")) return "must not start with '-'";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(value)) return "must not contain spaces or control characters";
  const special = /[~^:?*[\\]/.exec(value);
  if (special !== null) return `must not contain ${JSON.stringify(special[0])}`;
  if (value.includes("..")) return "must not contain '..'";
  if (value.includes("@{")) return "must not contain '@{'";
  if (value.startsWith("/") || value.endsWith("/") || value.includes("//")) return "must not have empty '/'-separated parts";
  if (value.endsWith(".")) return "must not end with '.'";
  for (const part of value.split("/")) {
    if (part.startsWith(".")) return "no '/'-separated part may start with '.'";
    if (part.endsWith(".lock")) return "no '/'-separated part may end with '.lock'";
  }
  return undefined;
}
