import type { LoadedCluster, PlatformRegistry } from "@flotilla/fleet";
import { type KubeObject, toYaml, type TreeChanges } from "@flotilla/render";
import type { ClusterSecretFile } from "./cluster-secrets.js";
import type { FleetInputs } from "./fleet-inputs.js";

/** A cluster whose HelmReleases could not be rendered in this run: its file does not load, or its identity plan or chart has problems. */
export interface UnrenderedReleases {
  cluster: string;
  /** Its cluster file, when it loaded. */
  file?: string;
  /** How many releases its spec asks for, when it loaded. */
  releases?: number;
}

/** The clusters of `rendered` with a file that differs from the tree on disk (drifted, missing, stale or blocked). */
export function changedClusters(changes: TreeChanges, rendered: ReadonlySet<string>): Set<string> {
  const files = [...changes.drifted, ...changes.missing, ...changes.stale, ...changes.conflicts];
  return new Set(files.map((file) => file.slice(0, file.indexOf("/"))).filter((cluster) => rendered.has(cluster)));
}

/**
 * The planned files plus, for the release checks only, each Secret a cluster file requires whose
 * encrypted file is missing or refused: that is reported once, with the command that creates it,
 * so the checks see the cluster as it will be then instead of also calling its references broken.
 */
export function withReportedSecrets(files: ReadonlyMap<string, string>, clusters: readonly LoadedCluster[], placed: ReadonlyMap<string, readonly ClusterSecretFile[]>): Map<string, string> {
  const withStandIns = new Map(files);
  for (const { spec } of clusters) {
    for (const secret of spec.secrets) {
      if ((placed.get(spec.name) ?? []).some((file) => file.namespace === secret.namespace && file.name === secret.name)) continue;
      const object = { apiVersion: "v1", kind: "Secret", metadata: { name: secret.name, namespace: secret.namespace }, sops: { reported: "missing" } };
      withStandIns.set(`${spec.name}/reported-missing/secret_${secret.namespace}_${secret.name}.yaml`, toYaml(object as KubeObject));
    }
  }
  return withStandIns;
}

/**
 * The selected clusters whose releases this run could not render: their file did not load, or
 * their identity plan or chart has problems (a cluster without releases is not listed).
 */
export function unrenderedReleases(fleet: FleetInputs, rendered: ReadonlySet<string>, platforms: PlatformRegistry, selected: readonly string[] | undefined): UnrenderedReleases[] {
  const scope = selected?.length ? new Set(selected) : undefined;
  const loaded = fleet.clusters.flatMap(({ file, spec }): UnrenderedReleases[] => {
    if (rendered.has(spec.name)) return [];
    const sections = spec.platforms as Record<string, unknown>;
    const releases = platforms.filter((platform) => sections[platform.key] !== undefined).length + (spec.karpenter?.mode === "self-hosted" ? 1 : 0);
    return releases === 0 ? [] : [{ cluster: spec.name, file, releases }];
  });
  const rejected = fleet.rejected.filter((cluster) => scope === undefined || scope.has(cluster)).map((cluster) => ({ cluster }));
  return [...loaded, ...rejected].sort((a, b) => (a.cluster < b.cluster ? -1 : 1));
}

