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

/** Why `version` is not one of `supported`: "no Kubernetes 1.36 schema ships with flotilla (supported: 1.34, 1.35)". */
export function describeUnsupportedVersion(version: string, supported: readonly string[] = KUBERNETES_VERSIONS): string {
  if (/^1\.\d+$/.test(version)) return `no Kubernetes ${version} schema ships with flotilla (supported: ${supported.join(", ")})`;
  return `expected "1.MINOR", one of ${supported.join(", ")}; got ${JSON.stringify(version)}`;
}
