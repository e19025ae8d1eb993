import { KUSTOMIZE_GROUP } from "../flux/flux-kinds.js";
import type { ClusterLayout, KustomizationGroup } from "../flux/layout.js";
import { zeroCounts } from "./counts.js";
import type { BlastRadius, BlastRadiusNode, ChangeCounts, ChangeKind, GroupDiff } from "./types.js";

interface Known {
  group: KustomizationGroup;
  /** Group IDs it depends on. */
  dependsOn: string[];
}

/**
 * The affected Flux Kustomizations of a cluster (whose objects, or whose own definition, changed;
 * added and removed ones), every Kustomization that depends on them directly or not (downstream:
 * it waits for them and fails with them), and the ones they depend on directly (upstream context).
 */
export function blastRadius(groups: readonly GroupDiff[], before: ClusterLayout, after: ClusterLayout): BlastRadius {
  const known = new Map<string, Known>();
  const status = new Map<string, ChangeKind>();
  const counts = new Map<string, ChangeCounts>(groups.map((group) => [group.id, group.counts]));
  for (const [layout, presence] of [[before, "removed"], [after, "added"]] as const) {
    for (const [id, info] of layout.kustomizations) {
      const other = presence === "added" ? before : after;
      if (!other.kustomizations.has(id) && !info.group.root) status.set(info.group.id, presence);
      const dependsOn = info.dependsOn.map((ref) => layout.kustomizations.get(ref)?.group.id ?? ref);
      const entry = known.get(info.group.id);
      known.set(info.group.id, { group: info.group, dependsOn: [...new Set([...(entry?.dependsOn ?? []), ...dependsOn])] });
    }
  }
  for (const group of groups) {
    if (!known.has(group.id)) known.set(group.id, { group, dependsOn: [] });
    if (!status.has(group.id)) status.set(group.id, "changed");
    // A change to a Kustomization's own definition (rendered in another group) affects what it applies.
    for (const object of group.objects) {
      if (object.kind !== "Kustomization" || !object.apiVersion.startsWith(`${KUSTOMIZE_GROUP}/`)) continue;
      const id = `${object.namespace ?? "default"}/${object.name}`;
      const target = after.kustomizations.get(id)?.group.id ?? before.kustomizations.get(id)?.group.id ?? id;
      if (!status.has(target)) status.set(target, object.change);
    }
  }

  const included = new Map<string, BlastRadiusNode["status"]>(status);
  const dependents = new Map<string, string[]>();
  for (const [id, entry] of known) for (const dependency of entry.dependsOn) dependents.set(dependency, [...(dependents.get(dependency) ?? []), id]);
  const queue = [...status.keys()];
  while (queue.length > 0) {
    for (const dependent of dependents.get(queue.shift()!) ?? []) {
      if (included.has(dependent)) continue;
      included.set(dependent, "downstream");
      queue.push(dependent);
    }
  }
  for (const id of status.keys()) {
    for (const dependency of known.get(id)?.dependsOn ?? []) if (!included.has(dependency)) included.set(dependency, "upstream");
  }

  const nodes: BlastRadiusNode[] = [...included].map(([id, nodeStatus]) => {
    const group = known.get(id)?.group;
    return {
      id,
      label: group?.label ?? id,
      root: group?.root ?? false,
      status: nodeStatus,
      counts: counts.get(id) ?? zeroCounts(),
    };
  });
  nodes.sort((a, b) => (a.root !== b.root ? (a.root ? -1 : 1) : a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const edges = nodes.flatMap((node) =>
    (known.get(node.id)?.dependsOn ?? []).filter((dependency) => included.has(dependency)).sort().map((dependency) => ({ from: dependency, to: node.id })),
  );
  return { nodes, edges };
}
