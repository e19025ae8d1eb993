import {
  apiVersionsOfCrds,
  archiveRegistry,
  type ChartArchive,
  checkTools,
  type ReleaseRender,
  renderClusterReleases,
  startToolSpawner,
  type Tool,
  type ToolRunner,
} from "@flotilla/helm";
import { readVendoredCrdSet } from "../bench-switches.js";
import { DEFAULT_KUBERNETES_VERSION } from "@flotilla/fleet";
import { kubernetesApiVersions } from "@flotilla/render/validate";
import { DiskRenderCache } from "./disk-render-cache.js";
import { preferPrebuiltChartFacts } from "../prebuilt-chart-facts.js";
import type { KubeObject } from "@flotilla/render";
import { join } from "node:path";
import pLimit from "p-limit";

/** One cluster's objects, as synth renders them or validate reads them. */
export interface ClusterObjects {
  cluster: string;
  /** The cluster spec's kubernetesVersion; default DEFAULT_KUBERNETES_VERSION. */
  kubernetesVersion?: string;
  objects: readonly unknown[];
  /** Render only this HelmRelease of the cluster (the others still count for `--api-versions`); default every one. */
  only?: { namespace: string; name: string };
}

export interface FleetRenderOptions {
  archives: readonly ChartArchive[];
  /** Where the pinned helm/kubectl and the charts (`charts/`) are extracted and renders cached. */
  cacheDir: string;
  /** Keep renders in `<cacheDir>/helm-renders`; default true. */
  cache?: boolean;
  /** Renders at once across the fleet; default 4 (helm and kustomize wait on each other's I/O). */
  concurrency?: number;
  /** A queue shared with other calls (p-limit); overrides `concurrency`. */
  limit?: <T>(run: () => Promise<T>) => Promise<T>;
}

export type FleetRenders =
  | { ok: true; renders: Map<string, ReleaseRender[]>; stats: { releases: number; cached: number } }
  | { ok: false; toolProblems: string[] };

/**
 * Renders every HelmRelease of every cluster with the real Helm 4 (see @flotilla/helm): Helm and
 * kubectl are checked once, up front; clusters without HelmReleases need neither.
 */
export async function renderFleetReleases(clusters: readonly ClusterObjects[], options: FleetRenderOptions): Promise<FleetRenders> {
  const withReleases = clusters.filter((cluster) => cluster.objects.some((object) => (object as { kind?: unknown })?.kind === "HelmRelease"));
  const renders = new Map<string, ReleaseRender[]>();
  if (withReleases.length === 0) return { ok: true, renders, stats: { releases: 0, cached: 0 } };
  preferPrebuiltChartFacts();
  const { tools, problems } = await checkTools(["helm", "kubectl"], { cacheDir: options.cacheDir });
  if (problems.length > 0) return { ok: false, toolProblems: problems };
  const cache = options.cache === false ? undefined : new DiskRenderCache(options.cacheDir);
  const archives = archiveRegistry(options.archives);
  // One queue for the fleet: a cluster's releases and the next cluster's run side by side.
  const limit = options.limit ?? pLimit(options.concurrency ?? 4);
  const runner = acquireToolSpawner();
  try {
    await Promise.all(
      withReleases.map(async (cluster) => {
        const kubernetesVersion = cluster.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
        renders.set(
          cluster.cluster,
          await renderClusterReleases(cluster.objects, {
            archives,
            kubeVersion: kubernetesVersion,
            baseApiVersions: baseApiVersionsFor(cluster.objects, kubernetesVersion),
            helm: tools.helm as Tool,
            kubectl: tools.kubectl as Tool,
            ...(cache ? { cache } : {}),
            factsDir: options.cacheDir,
            runner,
            chartsDir: join(options.cacheDir, "charts"),
            limit,
            ...(cluster.only ? { select: (release: { metadata: { namespace?: string; name: string } }) => (release.metadata.namespace ?? "default") === cluster.only!.namespace && release.metadata.name === cluster.only!.name } : {}),
          }),
        );
      }),
    );
  } finally {
    await releaseToolSpawner();
  }
  cache?.trim();
  const all = [...renders.values()].flat();
  return { ok: true, renders, stats: { releases: all.length, cached: all.filter((render) => render.result.cached).length } };
}

/**
 * The spawner the renders and kustomize builds in flight share (startToolSpawner): calls of
 * renderFleetReleases overlap (a validate's values-effect variants, one call each), validate's
 * builds of the tree use it too, and the last to finish ends it (releaseToolSpawner).
 */
let spawner: { runner: ToolRunner & { close(): Promise<void> }; users: number } | undefined;

export function acquireToolSpawner(): ToolRunner {
  spawner ??= { runner: startToolSpawner(), users: 0 };
  spawner.users += 1;
  return spawner.runner;
}

export async function releaseToolSpawner(): Promise<void> {
  if (!spawner || --spawner.users > 0) return;
  const { runner } = spawner;
  spawner = undefined;
  await runner.close();
}

/**
 * What Helm's `--api-versions` starts from for a cluster of `kubernetesVersion` running `objects`:
 * Kubernetes' own group/version/Kind entries, as discovery gives helm-controller (Helm's defaults
 * have only group/versions, so `.Capabilities.APIVersions.Has "apiextensions.k8s.io/v1/CustomResourceDefinition"`,
 * flyte-core's CRD template, would be false and the chart would render a v1beta1 CRD), the
 * vendored Flux CRDs, and Karpenter's where the objects use it.
 */
export function baseApiVersionsFor(objects: readonly unknown[], kubernetesVersion: string): string[] {
  const usesKarpenter = objects.some((object) => /^karpenter\.(sh|azure\.com)\//.test(String((object as { apiVersion?: unknown })?.apiVersion)));
  fluxApiVersions ??= apiVersionsOfCrds(readVendoredCrdSet("flux"));
  if (usesKarpenter) karpenterApiVersions ??= apiVersionsOfCrds(readVendoredCrdSet("karpenter"));
  return [...kubernetesApiVersions(kubernetesVersion), ...fluxApiVersions, ...(usesKarpenter ? karpenterApiVersions! : [])];
}

/** The vendored CRDs' API versions, each read on first use. */
let fluxApiVersions: string[] | undefined;
let karpenterApiVersions: string[] | undefined;

/** The vendored Flux and Karpenter CRDs: every cluster has them (their list types count for server-side apply). */
export function vendoredCrds(): KubeObject[] {
  return [...readVendoredCrdSet("flux"), ...readVendoredCrdSet("karpenter")] as KubeObject[];
}

