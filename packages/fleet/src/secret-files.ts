/**
 * Where a cluster's encrypted secrets live with the fleet sources: one file per Secret,
 * `<secrets dir>/<cluster>/<namespace>/<name>.sops.yaml` (the CLI decides the directory). The
 * `secret set` command writes them, synth places them into `clusters/<cluster>/` byte for byte.
 */

/** The path segments of a Secret's file below the secrets directory. */
export function secretPathSegments(cluster: string, namespace: string, name: string): [string, string, string] {
  return [cluster, namespace, `${name}.sops.yaml`];
}

/** `<secretsDir>/<cluster>/<namespace>/<name>.sops.yaml` with `/` separators. */
export function secretSourceFile(secretsDir: string, cluster: string, namespace: string, name: string): string {
  return [secretsDir, ...secretPathSegments(cluster, namespace, name)].join("/");
}
