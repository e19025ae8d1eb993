import type { KubeObject } from "@flotilla/render";
import type { ClusterObjects, PlacedObject } from "./cluster-objects.js";
import { objectLabel } from "./pod-templates.js";
import type { RenderedCluster, RenderedProblem } from "./types.js";

/**
 * Every object of the cluster has one owner: flotilla's tree (a Flux Kustomization applies it) or
 * one HelmRelease. helm-controller installs with Helm's take-ownership (fluxcd/helm-controller#1059),
 * so it adopts an object that already exists instead of failing: the Kustomization and the
 * release would both own it, re-apply their own copies over each other, and removing it from
 * either (pruned from the tree, or the release uninstalled) deletes it for both. Hooks are left
 * out: Helm creates and deletes them around an install, they are not part of the release.
 */
export function checkOwnership(cluster: RenderedCluster, objects: ClusterObjects): RenderedProblem[] {
  const owners = new Map<string, PlacedObject[]>();
  for (const placed of objects.all) {
    if (placed.release !== "" && isHook(placed.object)) continue;
    const key = identityOf(placed.object);
    owners.set(key, [...(owners.get(key) ?? []), placed]);
  }
  const problems: RenderedProblem[] = [];
  for (const placed of owners.values()) {
    const releases = [...new Set(placed.map((entry) => entry.release))];
    if (releases.length < 2) continue;
    const object = objectLabel(placed[0]!.object);
    const byFlotilla = releases.includes("");
    const charts = releases.filter((release) => release !== "");
    const others = (release: string) => releases.filter((other) => other !== release).map((other) => (other === "" ? "flotilla's tree" : `HelmRelease ${other}`)).join(" and ");
    for (const release of charts) {
      problems.push({
        check: "ownership",
        cluster: cluster.cluster,
        release,
        object,
        path: ".metadata.name",
        message:
          (releases.length === 2
            ? `the chart renders ${object}, which ${others(release)} also renders: helm-controller adopts an object that already exists, so both would own it, re-apply their own copies over each other, and removing it from either deletes it for both. `
            : `the chart renders ${object}, which ${others(release)} also render: helm-controller adopts an object that already exists, so all ${releases.length} would own it, re-apply their own copies over each other, and removing it from any of them deletes it for all. `) +
          (byFlotilla
            ? `In ${cluster.source}, stop rendering it yourself: ${ownSetting(cluster, object)}`
            : `In ${cluster.source}, keep it in one release: set one of the platforms so that its chart does not render it`),
      });
    }
  }
  return problems;
}

/** What to change so that flotilla no longer renders `object`: the setting, where known. */
function ownSetting(cluster: RenderedCluster, object: string): string {
  const setting = cluster.settings?.get(object);
  if (setting !== undefined && object.startsWith("ServiceAccount ")) return `${setting} names a ServiceAccount the platform's chart creates; give the identity a ServiceAccount of its own`;
  return setting === undefined ? "remove the setting that renders it" : `change ${setting}`;
}

/** The API server's identity of an object as clusterObjects places it: group, kind, namespace, name. */
function identityOf(object: KubeObject): string {
  const group = object.apiVersion.includes("/") ? object.apiVersion.slice(0, object.apiVersion.indexOf("/")) : "";
  return `${group}\n${object.kind}\n${object.metadata.namespace ?? ""}\n${object.metadata.name}`;
}

function isHook(object: KubeObject): boolean {
  const annotations = object.metadata.annotations as Record<string, unknown> | undefined;
  return typeof annotations?.["helm.sh/hook"] === "string";
}
