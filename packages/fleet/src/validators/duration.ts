import { showString } from "../describe-value.js";

/** Flux's duration format (Kubernetes `metav1.Duration` as validated by the Flux CRDs). */
export const DURATION_PATTERN = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

/**
 * Checks a Flux duration such as `30s`, `5m`, `1h30m`: Go duration units ms, s, m, h only
 * (no spaces, no days). Zero durations are rejected: Flux intervals and timeouts must be positive.
 */
export function checkDuration(value: string): string | undefined {
  const shown = showString(value);
  if (!DURATION_PATTERN.test(value)) {
    const hint = /^\d+(\.\d+)?$/.test(value) ? `; add a unit, e.g. "${value}s" or "${value}m"` : "";
    return `expected a duration like "30s", "5m" or "1h30m" (units ms, s, m, h), got ${shown}${hint}`;
  }
  if (!/[1-9]/.test(value)) return `must be greater than zero, got ${shown}`;
  return undefined;
}
