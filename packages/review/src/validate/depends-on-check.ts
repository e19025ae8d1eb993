import { dependsOnRefs, isFluxKustomization, isHelmRelease, nameOf, namespaceOf } from "../flux/flux-kinds.js";
import type { Manifest } from "../manifests/manifest.js";
import { objectProblem } from "./problem.js";
import type { TreeView, ValidationProblem } from "./types.js";

/**
 * `dependsOn` of Flux Kustomizations and HelmReleases: every entry names an object of the same
 * kind in the same cluster, and the dependencies have no cycle (Flux would wait forever).
 */
export function checkDependsOn(tree: TreeView): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const [kind, matches] of [["Kustomization", isFluxKustomization], ["HelmRelease", isHelmRelease]] as const) {
    for (const cluster of tree.clusters) {
      const objects = tree.manifests.filter((manifest) => manifest.cluster === cluster && matches(manifest));
      const byId = new Map(objects.map((manifest) => [`${namespaceOf(manifest)}/${nameOf(manifest)}`, manifest]));
      const edges = new Map<string, string[]>();
      for (const manifest of objects) {
        const id = `${namespaceOf(manifest)}/${nameOf(manifest)}`;
        const resolved: string[] = [];
        for (const ref of dependsOnRefs(manifest)) {
          const target = `${ref.namespace}/${ref.name}`;
          if (byId.has(target)) resolved.push(target);
          else {
            const known = [...byId.keys()].sort().join(", ") || "none";
            problems.push(objectProblem("depends-on", manifest, `.spec.dependsOn[${ref.index}]`, `no ${kind} ${target} in cluster ${cluster} (it has: ${known})`));
          }
        }
        edges.set(id, resolved);
      }
      problems.push(...cycles(edges, byId, kind));
    }
  }
  return problems;
}

/** One problem per cycle, on the cycle's first object by name. */
function cycles(edges: Map<string, string[]>, byId: Map<string, Manifest>, kind: string): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (id: string) => {
    state.set(id, "visiting");
    stack.push(id);
    for (const next of edges.get(id) ?? []) {
      if (state.get(next) === "visiting") {
        const cycle = stack.slice(stack.indexOf(next));
        const first = [...cycle].sort()[0]!;
        const ordered = [...cycle.slice(cycle.indexOf(first)), ...cycle.slice(0, cycle.indexOf(first)), first];
        problems.push(objectProblem("depends-on", byId.get(first)!, ".spec.dependsOn", `dependency cycle between ${kind}s: ${ordered.join(" → ")}; Flux would never apply them`));
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(id, "done");
  };
  for (const id of [...edges.keys()].sort()) if (!state.has(id)) visit(id);
  return problems;
}
