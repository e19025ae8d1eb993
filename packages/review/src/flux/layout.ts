import type { Manifest } from "../manifests/manifest.js";
import { dependsOnRefs, FLUX_NAMESPACE, isFluxKustomization, nameOf, namespaceOf, specOf } from "./flux-kinds.js";

/**
 * The Flux Kustomization that applies a directory. The cluster root is applied by Flux's own
 * bootstrap Kustomization (`flux bootstrap --path=clusters/<name>`) or the AKS GitOps extension's,
 * neither of which flotilla renders: it is the synthetic group `flux-system (root)`.
 */
export interface KustomizationGroup {
  /** `namespace/name`, or `(root)`. */
  id: string;
  /** `name`, or `flux-system (root)`. */
  label: string;
  root: boolean;
  /** Directory relative to the cluster root that it applies ("" for the root). */
  dir: string;
}

/** A Flux Kustomization of a cluster, as the layout needs it. */
export interface FluxKustomizationInfo {
  group: KustomizationGroup;
  manifest: Manifest;
  /** `spec.path` as written. */
  path: string;
  /** `spec.path` as a cluster-relative directory, or undefined when it points outside the cluster's directory. */
  dir: string | undefined;
  /** Group IDs (`namespace/name`) of the Kustomizations it depends on. */
  dependsOn: string[];
}

export const ROOT_GROUP: KustomizationGroup = { id: "(root)", label: `${FLUX_NAMESPACE} (root)`, root: true, dir: "" };

export interface ClusterLayout {
  cluster: string;
  /** Every Flux Kustomization found in the cluster's tree, by group ID. */
  kustomizations: Map<string, FluxKustomizationInfo>;
  /** The Kustomization that applies a file in `dir`: the one whose path is the longest prefix of it. */
  groupOfDir(dir: string): KustomizationGroup;
}

/**
 * `spec.path` (relative to the source root: the repository) as a directory relative to the
 * cluster root `<treePrefix>/<cluster>`; undefined when it is outside.
 */
export function clusterRelativeDir(path: string, treePrefix: string, cluster: string): string | undefined {
  const parts = path.split("/").filter((part) => part !== "" && part !== ".");
  const normalized = parts.join("/");
  const root = treePrefix ? `${treePrefix}/${cluster}` : cluster;
  if (normalized === root) return "";
  return normalized.startsWith(`${root}/`) ? normalized.slice(root.length + 1) : undefined;
}

/** Indexes the Flux Kustomizations among a cluster's manifests (others are ignored). */
export function clusterLayout(cluster: string, manifests: readonly Manifest[], treePrefix: string): ClusterLayout {
  const kustomizations = new Map<string, FluxKustomizationInfo>();
  for (const manifest of manifests) {
    if (manifest.cluster !== cluster || !isFluxKustomization(manifest)) continue;
    const path = typeof specOf(manifest).path === "string" ? (specOf(manifest).path as string) : "./";
    const dir = clusterRelativeDir(path, treePrefix, cluster);
    const name = nameOf(manifest);
    const id = `${namespaceOf(manifest)}/${name}`;
    // A Kustomization at the cluster root (Flux's bootstrap one) is the root group itself.
    const group = dir === "" ? ROOT_GROUP : { id, label: name, root: false, dir: dir ?? "" };
    const dependsOn = dependsOnRefs(manifest).map((ref) => `${ref.namespace}/${ref.name}`);
    kustomizations.set(id, { group, manifest, path, dir, dependsOn });
  }
  const byDir = new Map<string, KustomizationGroup>();
  for (const info of kustomizations.values()) if (info.dir !== undefined && info.dir !== "" && !byDir.has(info.dir)) byDir.set(info.dir, info.group);
  return {
    cluster,
    kustomizations,
    groupOfDir(dir: string): KustomizationGroup {
      for (let current = dir; current !== ""; current = current.includes("/") ? current.slice(0, current.lastIndexOf("/")) : "") {
        const group = byDir.get(current);
        if (group) return group;
      }
      return ROOT_GROUP;
    },
  };
}
