import type { ReleaseRender, RenderedObject } from "@flotilla/helm";
import { describeObject, type KubeObject, type ObjectValidator } from "@flotilla/render";
import { isHelmRelease, nameOf, namespaceOf } from "../flux/flux-kinds.js";
import { objectProblem } from "./problem.js";
import type { TreeView, ValidationProblem } from "./types.js";

/** A cluster's schema validator given the CRDs its releases install (besides the vendored ones) and the objects it will be asked about. */
export type ReleaseValidatorOf = (cluster: string, releaseCrds: readonly unknown[], objects: readonly unknown[]) => Promise<ObjectValidator>;

/**
 * Every object a HelmRelease renders is valid, strictly, for its cluster: core kinds for the
 * cluster's Kubernetes version, custom resources against the CRDs the cluster has (the vendored
 * ones and every CRD its releases install). Helm `test` hooks are not installed and not checked.
 * A problem lands on the HelmRelease, naming the rendered object, its template and the field, and
 * the cluster file to change (`sourceOf`, when known).
 */
export async function checkReleaseSchemas(
  tree: Pick<TreeView, "manifests">,
  renders: ReadonlyMap<string, readonly ReleaseRender[]>,
  validatorOf: ReleaseValidatorOf,
  sourceOf?: (cluster: string) => string | undefined,
): Promise<ValidationProblem[]> {
  const problems: ValidationProblem[] = [];
  for (const [cluster, releases] of renders) {
    // Only a CRD the API server accepts can serve its kind (a v1beta1 CRD is itself reported below).
    const crds = releases.flatMap((render) => render.result.objects.map((rendered) => rendered.object).filter((object) => object.kind === "CustomResourceDefinition" && object.apiVersion === "apiextensions.k8s.io/v1"));
    const checked = tree.manifests.flatMap((manifest) => {
      if (manifest.cluster !== cluster || !isHelmRelease(manifest)) return [];
      const render = releases.find((entry) => entry.namespace === namespaceOf(manifest) && entry.name === nameOf(manifest));
      return (render?.result.objects ?? []).filter((rendered) => !isTestHook(rendered)).map((rendered) => ({ manifest, rendered }));
    });
    if (checked.length === 0) continue;
    const validator = await validatorOf(cluster, crds, checked.map(({ rendered }) => rendered.object));
    const where = sourceOf?.(cluster) === undefined ? "" : ` in ${sourceOf(cluster)}`;
    for (const { manifest, rendered } of checked) {
      const from = rendered.source === "" ? "added by a post-renderer" : `from ${rendered.source}`;
      for (const problem of validator.validate(rendered.object)) {
        const at = problem.path === "" ? "" : ` at ${problem.path}`;
        problems.push(
          objectProblem("schema", manifest, ".spec.values", `the release renders ${describeObject(rendered.object as KubeObject)} (${from}), invalid${at}: ${problem.message}; change the values${where} (or the chart version) that produce it`),
        );
      }
    }
  }
  return problems;
}

/** Helm `test` hooks run only on `helm test`: not installed, not checked. */
function isTestHook(rendered: RenderedObject): boolean {
  return rendered.phase === "hook" && (rendered.hooks ?? []).every((event) => event.startsWith("test"));
}
