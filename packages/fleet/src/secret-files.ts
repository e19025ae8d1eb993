/**
 * Where a cluster's encrypted secrets live with the fleet sources: one file per Secret,
 * `apps/fleet/secrets/<cluster>/<namespace>/<name>.sops.yaml`. `pnpm secret set` writes them,
 * synth places them into `clusters/<cluster>/` byte for byte.
 */

/** The secrets directory, relative to the repository root. */
export const SECRETS_DIR = "apps/fleet/secrets";

/** The path segments of a Secret's file below the secrets directory. */
export function secretPathSegments(cluster: string, namespace: string, name: string): [string, string, string] {
  return [cluster, namespace, `${name}.sops.yaml`];
}

/** `<secretsDir>/<cluster>/<namespace>/<name>.sops.yaml` with `/` separators. */
export function secretSourceFile(secretsDir: string, cluster: string, namespace: string, name: string): string {
  return [secretsDir, ...secretPathSegments(cluster, namespace, name)].join("/");
}
