// The Kubernetes versions whose API schemas ship in schemas/ (see schemas/SOURCES.md). Plain data:
// importing it reads nothing and loads no validator code, so a cluster spec can check a version.

/** Every version the schema validator can validate for, oldest first ("1.MINOR"). */
export const KUBERNETES_VERSIONS = ["1.28", "1.34", "1.35"] as const;

export type KubernetesVersion = (typeof KUBERNETES_VERSIONS)[number];

/** The version `createValidator` validates for when it is not told one. */
export const DEFAULT_KUBERNETES_VERSION: KubernetesVersion = "1.34";

export function isKubernetesVersion(version: string): version is KubernetesVersion {
  return (KUBERNETES_VERSIONS as readonly string[]).includes(version);
}

/**
 * The shipped schema that checks a cluster running `version` ("1.34" or "1.34.2": a patch release
 * does not change the API), or undefined when none ships for its minor.
 */
export function schemaVersionOf(version: string): KubernetesVersion | undefined {
  const minor = /^(1\.\d+)(?:\.\d+)?$/.exec(version)?.[1];
  return minor !== undefined && isKubernetesVersion(minor) ? minor : undefined;
}

/** Why `version` is not one of `supported`: "no Kubernetes 1.36 schema ships with flotilla (supported: 1.34, 1.35)". */
export function describeUnsupportedVersion(version: string, supported: readonly string[] = KUBERNETES_VERSIONS): string {
  const minor = /^(1\.\d+)(?:\.\d+)?$/.exec(version)?.[1];
  if (minor !== undefined) return `no Kubernetes ${minor} schema ships with flotilla (supported: ${supported.join(", ")})`;
  return `expected "1.MINOR" or "1.MINOR.PATCH" of ${supported.join(", ")}; got ${JSON.stringify(version)}`;
}
