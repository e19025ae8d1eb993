import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ChartArchive } from "./chart-archive.js";
import { chartDirectory, helmHomes } from "./chart-directory.js";
import { type ChartSource, chartSourceOf } from "./chart-source.js";
import { composeValues, type ValuesObject } from "./compose-values.js";
import { isClusterScoped } from "./cluster-scoped.js";
import { HOOK_ANNOTATION, idOf, isCrdSource, type Manifest, parseObjects, splitManifests } from "./helm-output.js";
import { batchable, originLabels, type PostRenderJob, type PostRendered, postRenderAlone, writePostRender } from "./post-render.js";
import { crdPolicyOf, type HelmRelease, postRenderStrategyOf, releaseNameOf, releaseNamespaceOf, storageNamespaceOf } from "./release-spec.js";
import { runTool, type ToolRunner } from "./run-tool.js";
import type { Tool } from "./tools.js";
import { type ValueConflict, valueConflicts } from "./value-conflicts.js";

/** What a render needs besides the release: the chart, the cluster, the tools. */
export interface RenderContext {
  /** The archive of the chart the source serves, or undefined when flotilla has none for it. */
  chart(source: ChartSource): ChartArchive | undefined;
  /** The cluster's ConfigMaps and Secrets, for valuesFrom. */
  valuesObject(kind: "ConfigMap" | "Secret", namespace: string, name: string): ValuesObject | undefined;
  /** The cluster's objects, to find the release's HelmRepository / OCIRepository. */
  objects: readonly unknown[];
  /** `--kube-version`: the cluster's Kubernetes version, `1.34.0`. */
  kubeVersion: string;
  /** `--api-versions`: the group/versions (and group/version/Kind) the cluster serves beyond Kubernetes' own. */
  apiVersions: readonly string[];
  helm: Tool;
  kubectl: Tool;
  /** A render cache; default none. */
  cache?: RenderCache;
  /** Where temporary render directories go; default the OS temp dir. */
  tempDir?: string;
  /** Where each chart archive is unpacked once for Helm to read as a directory (`chartDirectory`); default Helm reads the archive. */
  chartsDir?: string;
  /** Starts helm and kubectl (startToolSpawner); default from this process. */
  runner?: ToolRunner;
}

/** Stores render outcomes by key (chart digest, final values, versions, post-renderers: `renderKey`). */
export interface RenderCache {
  get(key: string): RenderOutcome | undefined;
  set(key: string, outcome: RenderOutcome): void;
}

/** One object Helm would apply for the release, after post-rendering. */
export interface RenderedObject {
  object: Record<string, unknown>;
  /** The template it came from (`argo-workflows/templates/controller/workflow-controller-deployment.yaml`), or "" if a post-renderer added it. */
  source: string;
  /** The namespace it lands in: its own, or the release namespace for namespaced kinds without one; "" when cluster-scoped. */
  namespace: string;
  /** `crd`: from the chart's crds/ (applied by the CRD policy, not post-rendered); `hook`: a Helm hook; else `template`. */
  phase: "crd" | "template" | "hook";
  /** The hook events (`pre-install`, `test`) of a hook. */
  hooks?: string[];
}

export interface RenderProblem {
  /** The HelmRelease field to change: `spec.valuesFrom[0]`, `spec.values`, `spec.postRenderers`, `spec.chart.spec.version`. */
  field: string;
  message: string;
}

export interface RenderOutcome {
  objects: RenderedObject[];
  problems: RenderProblem[];
  /**
   * The documents of Helm's output that kustomize must parse (the post-renderers' input) and
   * that repeat a mapping key, which kustomize refuses, each with its template: only when the
   * post-render failed so.
   */
  duplicateKeyManifests?: { source: string; text: string }[];
  /** Values Helm rendered with but could not merge with the chart's defaults (a table against a non-table), from its warnings. */
  valueConflicts?: ValueConflict[];
}

export interface RenderResult extends RenderOutcome {
  releaseName: string;
  namespace: string;
  storageNamespace: string;
  chart?: { name: string; version: string; digest: string; source: string };
  /** The values Helm received (before the chart's defaults). */
  values?: Record<string, unknown>;
  /** Whether this result came from the cache. */
  cached: boolean;
  /** The render key (`renderKey`): everything the output depends on, digested. */
  key?: string;
}

/**
 * Renders a HelmRelease as helm-controller v1.6 installs it: values from valuesFrom and values,
 * `helm template` of the chart archive with the release name and namespace, `--kube-version`,
 * `--api-versions`, the chart's crds/ per the install CRD policy, and the post-renderers (kustomize
 * patches and images, commonMetadata, then the origin labels helm-controller always adds) run by
 * the real kustomize with the release's post-render strategy.
 */
export async function renderRelease(release: HelmRelease, context: RenderContext): Promise<RenderResult> {
  const ready = prepareRender(release, context);
  if ("result" in ready) return ready.result;
  const { prepared } = ready;
  const work = await mkdtemp(join(context.tempDir ?? tmpdir(), "flotilla-helm-"));
  try {
    const staged = await stageRender(prepared, context, work);
    if ("outcome" in staged) return completeRender(prepared, staged.outcome, context);
    const posted = await Promise.all(staged.jobs.map((job) => postRenderAlone(job, context.kubectl, context.runner)));
    return completeRender(prepared, finishRender(staged, posted), context);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** A release with its values composed and nothing cached for it: what is left is to run Helm and kustomize. */
export interface PreparedRender {
  release: HelmRelease;
  chart: ChartArchive;
  values: Record<string, unknown>;
  key: string;
  base: Pick<RenderResult, "releaseName" | "namespace" | "storageNamespace" | "cached" | "chart" | "values">;
  crdPolicy: string;
  strategy: string;
}

/** The release's result when it needs no render (a problem before rendering, or the cache has it); else what the render needs. */
export function prepareRender(release: HelmRelease, context: RenderContext): { result: RenderResult } | { prepared: PreparedRender } {
  const releaseName = releaseNameOf(release);
  const namespace = releaseNamespaceOf(release);
  const base = { releaseName, namespace, storageNamespace: storageNamespaceOf(release), cached: false };
  const problems: RenderProblem[] = [];

  const source = chartSourceOf(release, context.objects);
  if ("problem" in source) return { result: { ...base, objects: [], problems: [source.problem] } };
  const chart = context.chart(source);
  if (!chart) {
    const problem = { field: source.field, message: `flotilla has no archive of chart ${source.chart}${source.version ? ` ${source.version}` : " (no version pinned)"}: vendor it under packages/<platform>/charts/ or pin a vendored version` };
    return { result: { ...base, objects: [], problems: [problem] } };
  }
  const chartInfo = { name: chart.name, version: chart.version, digest: chart.digest, source: chart.source };

  const composed = composeValues(release.metadata.namespace ?? "default", release.spec, context.valuesObject);
  problems.push(...composed.problems);
  const crdPolicy = crdPolicyOf(release, "install");
  if (!["Skip", "Create", "CreateReplace"].includes(crdPolicy)) problems.push({ field: "spec.install.crds", message: `invalid CRD policy ${JSON.stringify(crdPolicy)}: use Skip, Create or CreateReplace` });
  const strategy = postRenderStrategyOf(release);
  if (!["nohooks", "combined", "separate"].includes(strategy)) problems.push({ field: "spec.postRenderStrategy", message: `invalid post-render strategy ${JSON.stringify(strategy)}: use nohooks, combined or separate` });
  if (problems.length > 0) return { result: { ...base, chart: chartInfo, values: composed.values, objects: [], problems } };

  const key = renderKey(release, chart, composed.values, context);
  const hit = context.cache?.get(key);
  if (hit) return { result: { ...base, chart: chartInfo, values: composed.values, ...hit, cached: true, key } };
  return { prepared: { release, chart, values: composed.values, key, base: { ...base, chart: chartInfo, values: composed.values }, crdPolicy, strategy } };
}

/** The outcome stored under the render key, and the release's result. */
export function completeRender(prepared: PreparedRender, outcome: RenderOutcome, context: RenderContext): RenderResult {
  context.cache?.set(prepared.key, outcome);
  return { ...prepared.base, ...outcome, cached: false, key: prepared.key };
}

/** The render cache key: everything the output depends on. */
export function renderKey(release: HelmRelease, chart: ChartArchive, values: unknown, context: Pick<RenderContext, "kubeVersion" | "apiVersions" | "helm" | "kubectl">): string {
  const { spec, metadata } = release;
  return createHash("sha256")
    .update(
      canonicalJson({
        renderer: rendererFingerprint(),
        chart: chart.digest,
        values,
        release: [releaseNameOf(release), releaseNamespaceOf(release), metadata.name, metadata.namespace ?? "default"],
        kubeVersion: context.kubeVersion,
        apiVersions: [...context.apiVersions].sort(),
        helm: context.helm.version,
        kustomize: [context.kubectl.version, context.kubectl.kustomizeVersion ?? ""],
        crds: crdPolicyOf(release, "install"),
        strategy: postRenderStrategyOf(release),
        postRenderers: spec.postRenderers ?? [],
        commonMetadata: spec.commonMetadata ?? null,
        disableHooks: spec.install?.disableHooks ?? false,
      }),
    )
    .digest("hex");
}

let fingerprint: string | undefined;

/** A digest of this package's own code (its module files): a changed renderer never reuses old renders. */
function rendererFingerprint(): string {
  if (fingerprint === undefined) {
    const dir = dirname(fileURLToPath(import.meta.url));
    const digest = createHash("sha256");
    for (const file of readdirSync(dir).filter((name) => /\.(js|ts)$/.test(name) && !name.endsWith(".d.ts")).sort()) digest.update(file).update(readFileSync(join(dir, file)));
    fingerprint = digest.digest("hex");
  }
  return fingerprint;
}

/** A release whose Helm output is split and whose post-render chains are written: each job is one `kubectl kustomize` run. */
export interface StagedRender {
  prepared: PreparedRender;
  /** The post-render streams, in order (`separate`: templates, then hooks). */
  jobs: PostRenderJob[];
  /** Whether the jobs may be built together with other releases' (`batchable`). */
  batchable: boolean;
  /** Hooks left as Helm printed them (`nohooks`). */
  hooks: Manifest[];
  crds: Manifest[];
  sources: Map<string, Manifest>;
  conflicts: ValueConflict[];
}

/** Runs `helm template` for the release and writes its post-render chains under `work`; the outcome when Helm fails. */
export async function stageRender(prepared: PreparedRender, context: RenderContext, work: string): Promise<{ outcome: RenderOutcome } | StagedRender> {
  const { release, chart, values, base, crdPolicy, strategy } = prepared;
  await mkdir(work, { recursive: true });
  let chartPath = context.chartsDir === undefined ? undefined : await chartDirectory(chart, context.chartsDir, context.helm);
  if (chartPath === undefined) {
    chartPath = join(work, "chart.tgz");
    await writeFile(chartPath, chart.bytes);
  }
  await writeFile(join(work, "values.json"), JSON.stringify(values));
  const args = ["template", base.releaseName, chartPath, "--namespace", base.namespace, "--kube-version", context.kubeVersion, "--values", join(work, "values.json")];
  for (const apiVersion of context.apiVersions) args.push("--api-versions", apiVersion);
  args.push(crdPolicy === "Skip" ? "--skip-crds" : "--include-crds");
  if (release.spec.install?.disableHooks) args.push("--no-hooks");
  const helm = await runTool(context.helm.path, args, helmHomes(work), context.runner);
  if (!helm.ok) return { outcome: { objects: [], problems: [{ field: "spec.values", message: `helm template failed (${chart.name} ${chart.version}): ${helm.error}` }] } };
  const conflicts = valueConflicts(helm.stderr, chart.name, values);

  const manifests = splitManifests(helm.stdout);
  const crds = manifests.filter((manifest) => isCrdSource(manifest.source));
  const rest = manifests.filter((manifest) => !isCrdSource(manifest.source));
  const hooks = rest.filter((manifest) => manifest.hooks);
  const templates = rest.filter((manifest) => !manifest.hooks);
  const groups = strategy === "combined" ? [rest] : strategy === "separate" ? [templates, hooks] : [templates];
  const jobs: PostRenderJob[] = [];
  for (const [index, group] of groups.entries()) if (group.length > 0) jobs.push(await writePostRender(group, release, join(work, `post-${index}`)));
  return {
    prepared,
    jobs,
    batchable: jobs.length === 1 && batchable(release, helm.stdout),
    hooks: strategy === "nohooks" ? hooks : [],
    crds,
    sources: new Map(rest.filter((manifest) => manifest.id).map((manifest) => [manifest.id!, manifest])),
    conflicts,
  };
}

/** The release's outcome from its post-rendered jobs (`posted`, in the order of `staged.jobs`). */
export function finishRender(staged: StagedRender, posted: readonly PostRendered[]): RenderOutcome {
  const { release, base } = staged.prepared;
  const objects: RenderedObject[] = [];
  for (const built of posted) {
    if (!built.ok) return { objects: [], problems: [built.problem], ...(built.duplicates.length > 0 ? { duplicateKeyManifests: built.duplicates } : {}) };
    for (const object of built.objects) objects.push(renderedObject(object, staged.sources.get(idOf(object))?.source ?? "", base.namespace));
  }
  for (const manifest of staged.hooks) for (const object of parseObjects(manifest.text)) objects.push(renderedObject(object, manifest.source, base.namespace));
  for (const manifest of staged.crds) {
    for (const object of parseObjects(manifest.text)) {
      if (object.apiVersion !== "apiextensions.k8s.io/v1" || object.kind !== "CustomResourceDefinition") continue; // helm-controller drops other kinds in crds/
      const metadata = (object.metadata ??= {}) as { labels?: Record<string, string> };
      metadata.labels = { ...metadata.labels, ...originLabels(release) };
      objects.push({ object, source: manifest.source, namespace: "", phase: "crd" });
    }
  }
  return { objects, problems: [], ...(staged.conflicts.length > 0 ? { valueConflicts: staged.conflicts } : {}) };
}

function renderedObject(object: Record<string, unknown>, source: string, releaseNamespace: string): RenderedObject {
  const metadata = (object.metadata ?? {}) as { namespace?: unknown; annotations?: Record<string, unknown> };
  const hook = metadata.annotations?.[HOOK_ANNOTATION];
  const clusterScoped = isClusterScoped(String(object.apiVersion), String(object.kind));
  const namespace = clusterScoped ? "" : typeof metadata.namespace === "string" && metadata.namespace ? metadata.namespace : releaseNamespace;
  return {
    object,
    source,
    namespace,
    phase: typeof hook === "string" ? "hook" : "template",
    ...(typeof hook === "string" ? { hooks: hook.split(",").map((event) => event.trim()) } : {}),
  };
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
