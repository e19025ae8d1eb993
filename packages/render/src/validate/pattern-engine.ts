import type { CodeOptions } from "ajv";

type RegExpEngine = NonNullable<CodeOptions["regExp"]>;

const ALWAYS_MATCHES = /(?:)/;
const CASE_INSENSITIVE_PREFIX = "(?i)";

/**
 * Compiles CRD `pattern`s, which are written for Go's RE2: a leading `(?i)` becomes the `i` flag.
 * A pattern JavaScript cannot compile at all is not checked rather than failing the whole schema.
 */
function compileKubernetesPattern(pattern: string, flags: string): RegExp {
  let source = pattern;
  let effectiveFlags = flags;
  if (source.startsWith(CASE_INSENSITIVE_PREFIX)) {
    source = source.slice(CASE_INSENSITIVE_PREFIX.length);
    effectiveFlags += "i";
  }
  for (const candidateFlags of [effectiveFlags, effectiveFlags.replace("u", "")]) {
    try {
      return new RegExp(source, candidateFlags);
    } catch {
      // try the next flags
    }
  }
  return ALWAYS_MATCHES;
}

// `code` is only used by ajv's standalone code generation, which we do not use.
export const kubernetesPatternEngine: RegExpEngine = Object.assign(compileKubernetesPattern, {
  code: "compileKubernetesPattern",
});
