import { showString } from "../describe-value.js";

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Checks a Kubernetes label key: an optional DNS subdomain prefix (max 253) and '/', then a name
 * of at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit.
 */
export function checkLabelKey(key: string): string | undefined {
  const shown = showString(key);
  const slash = key.indexOf("/");
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || !PREFIX.test(prefix))) {
    return `label key prefix must be a lowercase DNS subdomain like "example.com", got ${shown}`;
  }
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) {
    return `expected a label key like "team" or "example.com/team" (name part: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit), got ${shown}`;
  }
  return undefined;
}

/**
 * Checks a Kubernetes label value: empty, or at most 63 letters, digits, '-', '_' and '.',
 * starting and ending with a letter or digit.
 */
export function checkLabelValue(value: string): string | undefined {
  if (value === "" || (value.length <= 63 && NAME.test(value))) return undefined;
  return `expected a label value of at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit, got ${showString(value)}`;
}
