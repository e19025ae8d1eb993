import { FLUX_NAMESPACE, isFluxKustomization, isFluxSource, isHelmRelease, nameOf, namespaceOf, specOf } from "../flux/flux-kinds.js";
import type { Manifest } from "../manifests/manifest.js";
import { objectProblem } from "./problem.js";
import type { TreeView, ValidationProblem } from "./types.js";

/**
 * Every source a Flux object reads from exists in its cluster: Kustomization `spec.sourceRef`,
 * HelmRelease `spec.chart.spec.sourceRef` and `spec.chartRef`. The GitRepository `flux-system`
 * that `flux bootstrap` creates counts when the cluster has a `flux-system/` directory.
 */
export function checkSources(tree: TreeView): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const cluster of tree.clusters) {
    const own = tree.manifests.filter((manifest) => manifest.cluster === cluster);
    const sources = new Set(own.filter(isFluxSource).map((manifest) => `${String(manifest.object.kind)}/${namespaceOf(manifest)}/${nameOf(manifest)}`));
    if ([...tree.files.keys()].some((file) => file.startsWith(`${cluster}/flux-system/`))) sources.add(`GitRepository/${FLUX_NAMESPACE}/${FLUX_NAMESPACE}`);
    const check = (manifest: Manifest, path: string, ref: unknown) => {
      if (ref === null || typeof ref !== "object") return;
      const { kind, name, namespace } = ref as { kind?: unknown; name?: unknown; namespace?: unknown };
      if (typeof kind !== "string" || typeof name !== "string") return; // the schema check reports the shape
      const id = `${kind}/${typeof namespace === "string" && namespace !== "" ? namespace : namespaceOf(manifest)}/${name}`;
      if (!sources.has(id)) {
        const known = [...sources].filter((source) => source.startsWith(`${kind}/`)).sort().join(", ") || "none";
        problems.push(objectProblem("sources", manifest, path, `${id.replace("/", " ")} does not exist in cluster ${cluster} (${kind}s it has: ${known})`));
      }
    };
    for (const manifest of own) {
      if (isFluxKustomization(manifest)) check(manifest, ".spec.sourceRef", specOf(manifest).sourceRef);
      if (isHelmRelease(manifest)) {
        const chart = specOf(manifest).chart as { spec?: { sourceRef?: unknown } } | undefined;
        check(manifest, ".spec.chart.spec.sourceRef", chart?.spec?.sourceRef);
        check(manifest, ".spec.chartRef", specOf(manifest).chartRef);
      }
    }
  }
  return problems;
}
