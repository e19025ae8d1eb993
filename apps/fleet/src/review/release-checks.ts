import type { LoadedCluster, PlatformRegistry } from "@flotilla/fleet";
import type { ChartArchive, ReleaseRender } from "@flotilla/helm";
import type { KubeObject } from "@flotilla/render";
import { checkReleaseSchemas, checkRenders, type Manifest, type ReleaseValidatorOf, type ValidationProblem } from "@flotilla/review";
import { checkRenderedClusters, type RenderedProblem } from "@flotilla/review/rendered";
import type { ClusterIdentityPlan, IdentityOutputs } from "@flotilla/workload-identity";
import { COMMAND_HINTS } from "../cli/command-hints.js";
import { renderFleetReleases, vendoredCrds } from "../helm/fleet-renders.js";
import { createSchemaValidator } from "../schema-validator.js";
import type { ReleaseGateCache } from "./release-gate-cache.js";
import { renderedClusters } from "./rendered-clusters.js";
import { checkValuesEffects, type ValuesEffects } from "./values-effects.js";

export interface ReleaseChecksInput {
  /** The tree's objects: the committed tree (validate) or the one synth is about to write. */
  manifests: readonly Manifest[];
  /** By cluster, the spec's kubernetesVersion (a cluster without one renders for the default). */
  kubernetesVersions: ReadonlyMap<string, string>;
  /** The loaded fleet; without it the checks of (c)–(f), which need the specs and identities, are left out. */
  fleet?: { clusters: readonly LoadedCluster[]; plans: ReadonlyMap<string, ClusterIdentityPlan>; outputs: ReadonlyMap<string, IdentityOutputs> };
  platforms: PlatformRegistry;
  archives: readonly ChartArchive[];
  /** Where the pinned helm/kubectl are extracted and renders cached. */
  cacheDir: string;
  /** Reuse and keep renders in `<cacheDir>/helm-renders`. */
  cache: boolean;
  /** Renders at once; default 4. */
  concurrency?: number;
  /**
   * The validator of what a cluster's releases render, given the CRDs they install; default
   * createSchemaValidator for the cluster's version.
   */
  releaseValidator?: ReleaseValidatorOf;
  /** Also check (g), that every value flotilla sets takes effect (one render per value, cached: `pnpm validate`). */
  valuesEffect?: boolean;
  /** Answers the checks (c)–(f) of clusters (and of their releases' output) checked in an earlier run with the same inputs (synth's ReleaseGateCache). */
  gateCache?: ReleaseGateCache;
}

export type ReleaseChecks =
  | { ok: false; toolProblems: string[] }
  | {
      ok: true;
      /** (a) renders and post-renders, (b) strict schemas of the rendered objects: on the HelmRelease's file. */
      problems: ValidationProblem[];
      /** (c) server-side apply, (d) duplicate keys, (e) workload identity, (f) references. */
      rendered: RenderedProblem[];
      renders: ReadonlyMap<string, readonly ReleaseRender[]>;
      releases: number;
      /** (g), when asked for. */
      effects?: ValuesEffects;
    };

/**
 * What each cluster would run, checked: every HelmRelease rendered with the real Helm 4 and chart
 * as helm-controller installs it, then the checks (a)–(f). `pnpm validate` runs them on the
 * committed tree, `pnpm synth` on the tree it is about to write (and refuses it on any problem).
 */
export async function checkReleases(input: ReleaseChecksInput): Promise<ReleaseChecks> {
  const objects = new Map<string, KubeObject[]>();
  for (const manifest of input.manifests) objects.set(manifest.cluster, [...(objects.get(manifest.cluster) ?? []), manifest.object as KubeObject]);
  const rendered = await renderFleetReleases(
    [...objects].map(([cluster, clusterObjects]) => ({ cluster, objects: clusterObjects, ...(input.kubernetesVersions.has(cluster) ? { kubernetesVersion: input.kubernetesVersions.get(cluster)! } : {}) })),
    { archives: input.archives, cacheDir: input.cacheDir, cache: input.cache, ...(input.concurrency === undefined ? {} : { concurrency: input.concurrency }) },
  );
  if (!rendered.ok) return { ok: false, toolProblems: rendered.toolProblems };
  const { renders } = rendered;
  const tree = { manifests: [...input.manifests] };
  const fleet = input.fleet;
  const sources = new Map((fleet?.clusters ?? []).map(({ file, spec }) => [spec.name, file]));
  const sourceOf = (cluster: string) => sources.get(cluster);
  const validatorOf = input.releaseValidator ?? ((cluster: string, releaseCrds: readonly unknown[]) => createSchemaValidator(input.kubernetesVersions.get(cluster), releaseCrds));
  const problems = [...checkRenders(tree, renders, sourceOf), ...(await checkReleaseSchemas(tree, renders, validatorOf, sourceOf))];
  // A cluster of the fleet that has no objects in the tree (not synthesized yet) has nothing to check here.
  const clusters = fleet
    ? renderedClusters({ clusters: fleet.clusters.filter(({ spec }) => objects.has(spec.name)), platforms: input.platforms, objects, renders, plans: fleet.plans, outputs: fleet.outputs })
    : [];
  const releases = [...renders.values()].reduce((sum, list) => sum + list.length, 0);
  const effects = input.valuesEffect
    ? await checkValuesEffects({
        renders,
        objects,
        kubernetesVersions: input.kubernetesVersions,
        sources,
        archives: input.archives,
        cacheDir: input.cacheDir,
        cache: input.cache,
        ...(input.concurrency === undefined ? {} : { concurrency: input.concurrency }),
      })
    : undefined;
  // The vendored CRDs are in the gate cache's fingerprint; the hints' spelling is not.
  const memo = input.gateCache?.renderedChecks(`secretSet ${COMMAND_HINTS.secretSet}`);
  const checked = clusters.length > 0 ? checkRenderedClusters(clusters, { crds: vendoredCrds(), secretSet: COMMAND_HINTS.secretSet, ...(memo ? { memo } : {}) }) : [];
  return { ok: true, problems, rendered: checked, renders, releases, ...(effects ? { effects } : {}) };
}
