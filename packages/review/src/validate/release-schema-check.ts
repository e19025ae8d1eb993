import type { ReleaseRender } from "@flotilla/helm";
import { describeObject, type KubeObject, type ObjectValidator } from "@flotilla/render";
import { isHelmRelease, nameOf, namespaceOf } from "../flux/flux-kinds.js";
import { objectProblem } from "./problem.js";
import type { TreeView, ValidationProblem } from "./types.js";

/** A cluster's schema validator given the CRDs its releases install (besides the vendored ones). */
export type ReleaseValidatorOf = (cluster: string, releaseCrds: readonly unknown[]) => Promise<ObjectValidator>;

/**
 * Every object a HelmRelease renders is valid, strictly, for its cluster: core kinds for the
 * cluster's Kubernetes version, custom resources against the CRDs the cluster has (the vendored
 * ones and every CRD its releases install). Helm `test` hooks are not installed and not checked.
 * A problem lands on the HelmRelease, naming the rendered object, its template and the field.
 */
export async function checkReleaseSchemas(
  tree: Pick<TreeView, "manifests">,
  renders: ReadonlyMap<string, readonly ReleaseRender[]>,
  validatorOf: ReleaseValidatorOf,
): Promise<ValidationProblem[]> {
  const problems: ValidationProblem[] = [];
  for (const [cluster, releases] of renders) {
    // Only a CRD the API server accepts can serve its kind (a v1beta1 CRD is itself reported below).
    const crds = releases.flatMap((render) => render.result.objects.map((rendered) => rendered.object).filter((object) => object.kind === "CustomResourceDefinition" && object.apiVersion === "apiextensions.k8s.io/v1"));
    const validator = await validatorOf(cluster, crds);
    for (const manifest of tree.manifests) {
      if (manifest.cluster !== cluster || !isHelmRelease(manifest)) continue;
      const render = releases.find((entry) => entry.namespace === namespaceOf(manifest) && entry.name === nameOf(manifest));
      for (const rendered of render?.result.objects ?? []) {
        if (rendered.phase === "hook" && (rendered.hooks ?? []).every((event) => event.startsWith("test"))) continue;
        const from = rendered.source === "" ? "added by a post-renderer" : `from ${rendered.source}`;
        for (const problem of validator.validate(rendered.object)) {
          const at = problem.path === "" ? "" : ` at ${problem.path}`;
          problems.push(
            objectProblem("schema", manifest, ".spec.values", `the release renders ${describeObject(rendered.object as KubeObject)} (${from}), invalid${at}: ${problem.message}; change the values (or chart version) that produce it`),
          );
        }
      }
    }
  }
  return problems;
}
