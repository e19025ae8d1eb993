import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pLimit from "p-limit";
import type { ChartArchive } from "./chart-archive.js";
import { type ChartSource, chartSourceOf } from "./chart-source.js";
import type { ValuesObject } from "./compose-values.js";
import { chartFacts } from "./chart-facts.js";
import { crdApiVersions } from "./crd-api-versions.js";
import type { HelmRelease } from "./release-spec.js";
import { type PostRenderJob, type PostRendered, postRenderAlone, postRenderTogether } from "./post-render.js";
import { completeRender, finishRender, prepareRender, type RenderCache, type RenderContext, type RenderResult, stageRender } from "./render-release.js";
import type { ToolRunner } from "./run-tool.js";
import type { Tool } from "./tools.js";

/** The chart archives flotilla has, found by the chart a source serves. */
export interface ChartArchives {
  find(source: ChartSource): ChartArchive | undefined;
}

export interface ClusterRenderOptions {
  archives: ChartArchives;
  /** The cluster spec's `kubernetesVersion`. */
  kubeVersion: string;
  /** API versions every cluster has beyond Kubernetes' own: the vendored Flux (and Karpenter) CRDs. */
  baseApiVersions: readonly string[];
  helm: Tool;
  kubectl: Tool;
  cache?: RenderCache;
  /** Renders at once; default 4. */
  concurrency?: number;
  /** A limiter shared with other clusters' renders (p-limit); overrides `concurrency`. */
  limit?: <T>(run: () => Promise<T>) => Promise<T>;
  tempDir?: string;
  /** Renders only the releases it selects (the others still count for `--api-versions`); default all. */
  select?: (release: HelmRelease) => boolean;
  /** Keeps what is derived from each archive (its CRDs' API versions) in `<factsDir>/chart-facts/` (chartFacts); default derived on each run. */
  factsDir?: string;
  /** Where each archive is unpacked once for Helm to read as a directory (RenderContext `chartsDir`); default Helm reads the archive. */
  chartsDir?: string;
  /** Post-render the cluster's releases in one kustomize run where that cannot change them (postRenderTogether); default true. */
  batch?: boolean;
  /** Starts helm and kubectl (startToolSpawner); default from this process. */
  runner?: ToolRunner;
}

/** One HelmRelease of a cluster and what it renders. */
export interface ReleaseRender {
  /** The HelmRelease's namespace and name. */
  namespace: string;
  name: string;
  /** The HelmRelease object as rendered by flotilla. */
  release: HelmRelease;
  result: RenderResult;
}

/**
 * Renders every HelmRelease among a cluster's objects. `--api-versions` are the base ones plus the
 * CRDs of every chart the cluster installs (`crdApiVersions`), so a chart sees the kinds its
 * neighbours bring, as it would in the cluster once they are installed. Each release is rendered
 * by Helm on its own; their post-renders run in one kustomize run where that gives each the
 * objects it gets alone (`postRenderTogether`), the others one run each.
 */
export async function renderClusterReleases(objects: readonly unknown[], options: ClusterRenderOptions): Promise<ReleaseRender[]> {
  const releases = (objects as HelmRelease[]).filter((object) => object?.kind === "HelmRelease" && String(object.apiVersion).startsWith("helm.toolkit.fluxcd.io/") && object.metadata?.name && object.spec);
  if (releases.length === 0) return [];
  const apiVersions = new Set(options.baseApiVersions);
  for (const release of releases) {
    const source = chartSourceOf(release, objects);
    const archive = "problem" in source ? undefined : options.archives.find(source);
    if (archive) for (const version of options.factsDir === undefined ? crdApiVersions(archive) : chartFacts(archive, options.factsDir).apiVersions) apiVersions.add(version);
  }
  const values = valuesObjects(objects);
  const context: RenderContext = {
    chart: (source: ChartSource) => options.archives.find(source),
    valuesObject: (kind: "ConfigMap" | "Secret", namespace: string, name: string) => values.get(`${kind}/${namespace}/${name}`),
    objects,
    kubeVersion: options.kubeVersion,
    apiVersions: [...apiVersions].sort(),
    helm: options.helm,
    kubectl: options.kubectl,
    ...(options.cache ? { cache: options.cache } : {}),
    ...(options.chartsDir ? { chartsDir: options.chartsDir } : {}),
    ...(options.runner ? { runner: options.runner } : {}),
  };
  const limit: <T>(run: () => Promise<T>) => Promise<T> = options.limit ?? pLimit(options.concurrency ?? 4);
  const selected = releases.filter((release) => options.select?.(release) ?? true);
  const ready = selected.map((release) => prepareRender(release, context));
  const pending = ready.flatMap((entry) => ("prepared" in entry ? [entry.prepared] : []));
  const results = new Map<HelmRelease, RenderResult>();
  for (const [index, entry] of ready.entries()) if ("result" in entry) results.set(selected[index]!, entry.result);
  if (pending.length > 0) {
    const work = await mkdtemp(join(options.tempDir ?? tmpdir(), "flotilla-helm-"));
    try {
      const staged = await Promise.all(pending.map((prepared, index) => limit(() => stageRender(prepared, context, join(work, String(index))))));
      const rendered = staged.flatMap((stage) => ("jobs" in stage ? [stage] : []));
      const together = rendered.filter((stage) => stage.batchable);
      const batched = options.batch !== false && together.length > 1 ? await limit(() => postRenderTogether(together.map((stage) => stage.jobs[0]!), join(work, "together"), options.kubectl, options.runner)) : undefined;
      await Promise.all(
        staged.map(async (stage, index) => {
          const prepared = pending[index]!;
          if ("outcome" in stage) {
            results.set(prepared.release, completeRender(prepared, stage.outcome, context));
            return;
          }
          const posted = await Promise.all(stage.jobs.map((job) => postRendered(job, batched, options, limit)));
          results.set(prepared.release, completeRender(prepared, finishRender(stage, posted), context));
        }),
      );
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  return selected.map((release) => ({ namespace: release.metadata.namespace ?? "default", name: release.metadata.name, release, result: results.get(release)! }));
}

/** A job's objects from the cluster's batch, else from a kustomize run of its own. */
function postRendered(job: PostRenderJob, batched: Map<PostRenderJob, Record<string, unknown>[]> | undefined, tools: Pick<ClusterRenderOptions, "kubectl" | "runner">, limit: <T>(run: () => Promise<T>) => Promise<T>): Promise<PostRendered> {
  const objects = batched?.get(job);
  return objects ? Promise.resolve({ ok: true, objects }) : limit(() => postRenderAlone(job, tools.kubectl, tools.runner));
}

/** ConfigMaps by data; Secrets decoded, or without data when SOPS-encrypted. */
function valuesObjects(objects: readonly unknown[]): Map<string, ValuesObject> {
  const found = new Map<string, ValuesObject>();
  for (const object of objects as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown }; data?: unknown; stringData?: unknown; sops?: unknown }[]) {
    if (object?.apiVersion !== "v1" || (object.kind !== "ConfigMap" && object.kind !== "Secret") || typeof object.metadata?.name !== "string") continue;
    const namespace = typeof object.metadata.namespace === "string" ? object.metadata.namespace : "default";
    const strings = (value: unknown) => Object.fromEntries(Object.entries(value !== null && typeof value === "object" ? value : {}).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
    let data: Record<string, string> | undefined;
    if (object.kind === "ConfigMap") data = strings(object.data);
    else if (object.sops === undefined) {
      data = { ...Object.fromEntries(Object.entries(strings(object.data)).map(([key, value]) => [key, Buffer.from(value, "base64").toString("utf8")])), ...strings(object.stringData) };
    }
    found.set(`${object.kind}/${namespace}/${object.metadata.name}`, { kind: object.kind, namespace, name: object.metadata.name, data });
  }
  return found;
}
