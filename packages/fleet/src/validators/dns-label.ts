import { showString } from "../describe-value.js";

/** Options of {@link checkDnsLabel}. */
export interface DnsLabelOptions {
  /** Longest accepted label. RFC 1123 allows 63. */
  readonly maxLength: number;
  /** Require a letter as first character (RFC 1035 style) instead of a letter or digit. */
  readonly startWithLetter: boolean;
}

/**
 * Checks a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter
 * or digit). Returns a message naming the first rule broken, or `undefined` when valid.
 */
export function checkDnsLabel(value: string, options: DnsLabelOptions): string | undefined {
  const shown = showString(value);
  if (value.length === 0) return "must not be empty";
  if (value.length > options.maxLength) {
    return `must be at most ${options.maxLength} characters, got ${value.length}: ${shown}`;
  }
  if (value !== value.toLowerCase()) {
    const lower = value.toLowerCase();
    const hint = checkDnsLabel(lower, options) === undefined ? ` (use ${JSON.stringify(lower)})` : "";
    return `must be lowercase, got ${shown}${hint}`;
  }
  const bad = Array.from(value).find((ch) => !/[a-z0-9-]/.test(ch));
  if (bad !== undefined) {
    return `may contain only lowercase letters, digits and '-', got ${shown} (${JSON.stringify(bad)} is not allowed)`;
  }
  if (options.startWithLetter ? !/^[a-z]/.test(value) : value.startsWith("-")) {
    const what = options.startWithLetter ? "a lowercase letter" : "a letter or digit";
    return `must start with ${what}, got ${shown}`;
  }
  if (value.endsWith("-")) return `must end with a letter or digit, got ${shown}`;
  return undefined;
}

/**
 * Longest accepted cluster name. Cluster names are embedded in Azure resource names (managed
 * identities, federated credentials) and Kubernetes object names together with suffixes, so
 * they are kept well below the 63 characters of a DNS label.
 */
export const CLUSTER_NAME_MAX_LENGTH = 40;

/** Checks a cluster name: a DNS-1123 label starting with a letter, at most 40 characters. */
export function checkClusterName(value: string): string | undefined {
  return checkDnsLabel(value, { maxLength: CLUSTER_NAME_MAX_LENGTH, startWithLetter: true });
}

/** Namespaces that Kubernetes, AKS or Flux own; clusters may not declare them. */
export const RESERVED_NAMESPACES: readonly string[] = [
  "default",
  "flux-system",
  "kube-node-lease",
  "kube-public",
  "kube-system",
];

/** Checks a namespace name: a DNS-1123 label (max 63) that is not reserved and not `kube-*`. */
export function checkNamespaceName(value: string): string | undefined {
  const problem = checkDnsLabel(value, { maxLength: 63, startWithLetter: false });
  if (problem !== undefined) return problem;
  if (RESERVED_NAMESPACES.includes(value)) {
    return `${showString(value)} is a reserved namespace (reserved: ${RESERVED_NAMESPACES.join(", ")}); choose another name`;
  }
  if (value.startsWith("kube-")) {
    return `the "kube-" prefix is reserved for Kubernetes system namespaces, got ${showString(value)}`;
  }
  return undefined;
}

/**
 * Checks a DNS-1123 subdomain, the format of most Kubernetes object names (e.g. Secrets):
 * lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, max 253.
 */
export function checkDnsSubdomain(value: string): string | undefined {
  const shown = showString(value);
  if (value.length === 0) return "must not be empty";
  if (value.length > 253) return `must be at most 253 characters, got ${value.length}`;
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(value)) {
    return `must be a lowercase Kubernetes object name (letters, digits, '-' and '.', starting and ending with a letter or digit), got ${shown}`;
  }
  return undefined;
}
