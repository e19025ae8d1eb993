import { type LoadedCluster, secretNamespaces } from "@flotilla/fleet";
import type { SecretFilePlace } from "@flotilla/sops";

/** What the fleet says about one cluster's encrypted Secrets (see checkSecretFile). */
export type ClusterSecretExpectations = Omit<NonNullable<SecretFilePlace["fleet"]>, "others">;

/** By cluster name: its file, its sops recipients and the namespaces its Secrets may live in; synth and validate check Secret files against these. */
export function secretExpectations(clusters: readonly LoadedCluster[]): Map<string, ClusterSecretExpectations> {
  return new Map(clusters.map(({ file, spec }) => [spec.name, { clusterFile: file, sops: spec.sops, namespaces: secretNamespaces(spec) }]));
}
