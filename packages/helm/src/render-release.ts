import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import type { ChartArchive } from "./chart-archive.js";
import { type ChartSource, chartSourceOf } from "./chart-source.js";
import { composeValues, type ValuesObject } from "./compose-values.js";
import { isClusterScoped } from "./cluster-scoped.js";
import { crdPolicyOf, type HelmRelease, postRenderStrategyOf, releaseNameOf, releaseNamespaceOf, storageNamespaceOf } from "./release-spec.js";
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

const HOOK_ANNOTATION = "helm.sh/hook";

/**
 * Renders a HelmRelease as helm-controller v1.6 installs it: values from valuesFrom and values,
 * `helm template` of the chart archive with the release name and namespace, `--kube-version`,
 * `--api-versions`, the chart's crds/ per the install CRD policy, and the post-renderers (kustomize
 * patches and images, commonMetadata, then the origin labels helm-controller always adds) run by
 * the real kustomize with the release's post-render strategy.
 */
export async function renderRelease(release: HelmRelease, context: RenderContext): Promise<RenderResult> {
  const releaseName = releaseNameOf(release);
  const namespace = releaseNamespaceOf(release);
  const base = { releaseName, namespace, storageNamespace: storageNamespaceOf(release), cached: false };
  const problems: RenderProblem[] = [];

  const source = chartSourceOf(release, context.objects);
  if ("problem" in source) return { ...base, objects: [], problems: [source.problem] };
  const chart = context.chart(source);
  if (!chart) {
    const problem = { field: source.field, message: `flotilla has no archive of chart ${source.chart}${source.version ? ` ${source.version}` : " (no version pinned)"}: vendor it under packages/<platform>/charts/ or pin a vendored version` };
    return { ...base, objects: [], problems: [problem] };
  }
  const chartInfo = { name: chart.name, version: chart.version, digest: chart.digest, source: chart.source };

  const composed = composeValues(release.metadata.namespace ?? "default", release.spec, context.valuesObject);
  problems.push(...composed.problems);
  const crdPolicy = crdPolicyOf(release, "install");
  if (!["Skip", "Create", "CreateReplace"].includes(crdPolicy)) problems.push({ field: "spec.install.crds", message: `invalid CRD policy ${JSON.stringify(crdPolicy)}: use Skip, Create or CreateReplace` });
  const strategy = postRenderStrategyOf(release);
  if (!["nohooks", "combined", "separate"].includes(strategy)) problems.push({ field: "spec.postRenderStrategy", message: `invalid post-render strategy ${JSON.stringify(strategy)}: use nohooks, combined or separate` });
  if (problems.length > 0) return { ...base, chart: chartInfo, values: composed.values, objects: [], problems };

  const key = renderKey(release, chart, composed.values, context);
  const hit = context.cache?.get(key);
  if (hit) return { ...base, chart: chartInfo, values: composed.values, ...hit, cached: true, key };
  const outcome = await renderUncached(release, chart, composed.values, context, { releaseName, namespace, crdPolicy, strategy });
  context.cache?.set(key, outcome);
  return { ...base, chart: chartInfo, values: composed.values, ...outcome, key };
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

interface Settings {
  releaseName: string;
  namespace: string;
  crdPolicy: string;
  strategy: string;
}

interface Manifest {
  source: string;
  text: string;
  hooks?: string[];
  id?: string;
}

async function renderUncached(release: HelmRelease, chart: ChartArchive, values: Record<string, unknown>, context: RenderContext, settings: Settings): Promise<RenderOutcome> {
  const work = await mkdtemp(join(context.tempDir ?? tmpdir(), "flotilla-helm-"));
  try {
    await writeFile(join(work, "chart.tgz"), chart.bytes);
    await writeFile(join(work, "values.json"), JSON.stringify(values));
    const args = ["template", settings.releaseName, join(work, "chart.tgz"), "--namespace", settings.namespace, "--kube-version", context.kubeVersion, "--values", join(work, "values.json")];
    for (const apiVersion of context.apiVersions) args.push("--api-versions", apiVersion);
    args.push(settings.crdPolicy === "Skip" ? "--skip-crds" : "--include-crds");
    if (release.spec.install?.disableHooks) args.push("--no-hooks");
    const helm = await run(context.helm.path, args, helmEnv(work));
    if (!helm.ok) return { objects: [], problems: [{ field: "spec.values", message: `helm template failed (${chart.name} ${chart.version}): ${helm.error}` }] };
    const conflicts = valueConflicts(helm.stderr, chart.name, values);

    const manifests = splitManifests(helm.stdout);
    const crds = manifests.filter((manifest) => isCrdSource(manifest.source));
    const rest = manifests.filter((manifest) => !isCrdSource(manifest.source));
    const hooks = rest.filter((manifest) => manifest.hooks);
    const templates = rest.filter((manifest) => !manifest.hooks);
    const groups = settings.strategy === "combined" ? [rest] : settings.strategy === "separate" ? [templates, hooks] : [templates];
    const objects: RenderedObject[] = [];
    const sources = new Map(rest.filter((manifest) => manifest.id).map((manifest) => [manifest.id!, manifest]));

    for (const [index, group] of groups.entries()) {
      if (group.length === 0) continue;
      const built = await postRender(group, release, context, join(work, `post-${index}`));
      if (!built.ok) return { objects: [], problems: [built.problem], ...(built.duplicates.length > 0 ? { duplicateKeyManifests: built.duplicates } : {}) };
      for (const object of built.objects) objects.push(renderedObject(object, sources.get(idOf(object))?.source ?? "", settings.namespace));
    }
    if (settings.strategy === "nohooks") {
      for (const manifest of hooks) for (const object of parseObjects(manifest.text)) objects.push(renderedObject(object, manifest.source, settings.namespace));
    }
    for (const manifest of crds) {
      for (const object of parseObjects(manifest.text)) {
        if (object.apiVersion !== "apiextensions.k8s.io/v1" || object.kind !== "CustomResourceDefinition") continue; // helm-controller drops other kinds in crds/
        const metadata = (object.metadata ??= {}) as { labels?: Record<string, string> };
        metadata.labels = { ...metadata.labels, ...originLabels(release) };
        objects.push({ object, source: manifest.source, namespace: "", phase: "crd" });
      }
    }
    return { objects, problems: [], ...(conflicts.length > 0 ? { valueConflicts: conflicts } : {}) };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
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

const isCrdSource = (source: string) => /(^|\/)crds\//.test(source) && !/(^|\/)templates\//.test(source);

/** `helm template` output, one entry per `# Source:` document. */
function splitManifests(output: string): Manifest[] {
  const manifests: Manifest[] = [];
  let current = "";
  for (const text of output.split(/^---[ \t]*$/m)) {
    // A file of crds/ is printed as it is: its own documents follow its `# Source:` line.
    const source = /^# Source: (.+)$/m.exec(text)?.[1]?.trim() ?? current;
    current = source;
    if (!source || !/^\s*[A-Za-z"']/m.test(text.replace(/^#.*$/gm, ""))) continue;
    const head = manifestHead(text);
    manifests.push({ source, text, ...(head.hook === undefined ? {} : { hooks: head.hook.split(",") }), ...(head.id === undefined ? {} : { id: head.id }) });
  }
  return manifests;
}

/**
 * Parsing YAML is most of a render's own time, and the releases of a fleet repeat most documents
 * (the same chart with a few different values): each distinct document text is parsed once per
 * process. Callers get their own copy of the parsed values (renders change objects in place).
 */
const parsedDocuments = new Map<string, unknown[]>();
const heads = new Map<string, { hook?: string; id?: string }>();
const MEMO_LIMIT = 50_000;

function memo<T>(cache: Map<string, T>, text: string, compute: () => T): T {
  let value = cache.get(text);
  if (value === undefined) {
    if (cache.size >= MEMO_LIMIT) cache.clear();
    value = compute();
    cache.set(text, value);
  }
  return value;
}

/** The hook annotation and the id of a manifest Helm printed (parsed leniently: kustomize judges the rest). */
function manifestHead(text: string): { hook?: string; id?: string } {
  return memo(heads, text, () => {
    try {
      const [document] = parseAllDocuments(text, { uniqueKeys: false });
      const value = document?.toJS({ maxAliasCount: 1000 }) as unknown;
      if (value === null || typeof value !== "object") return {};
      const hook = (value as { metadata?: { annotations?: Record<string, unknown> } }).metadata?.annotations?.[HOOK_ANNOTATION];
      return { ...(typeof hook === "string" ? { hook } : {}), id: idOf(value as Record<string, unknown>) };
    } catch {
      return {};
    }
  });
}

function idOf(object: Record<string, unknown>): string {
  const metadata = (object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  return `${String(object.apiVersion)}|${String(object.kind)}|${String(metadata.namespace ?? "")}|${String(metadata.name)}`;
}

/** The objects of a YAML stream, document by document (a document starts at a `---` line, as in YAML itself). */
function parseObjects(text: string): Record<string, unknown>[] {
  return text.split(/^---[ \t]*$/m).flatMap((documentText) =>
    structuredClone(
      memo(parsedDocuments, documentText, () =>
        parseAllDocuments(documentText, { uniqueKeys: false })
          .map((document) => document.toJS({ maxAliasCount: 1000 }) as unknown)
          .filter((value): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value)),
      ),
    ) as Record<string, unknown>[],
  );
}

function originLabels(release: HelmRelease): Record<string, string> {
  return { "helm.toolkit.fluxcd.io/name": release.metadata.name, "helm.toolkit.fluxcd.io/namespace": release.metadata.namespace ?? "default" };
}

/**
 * helm-controller's post-renderer chain (internal/postrender): one kustomize build per
 * `spec.postRenderers[].kustomize` (patches, images; load restrictions off, plugins off), then
 * commonMetadata (labels and annotations on metadata only), then the origin labels. Each is a
 * kustomization layered on the previous one, built in one `kubectl kustomize` run in input order.
 */
async function postRender(
  manifests: Manifest[],
  release: HelmRelease,
  context: RenderContext,
  dir: string,
): Promise<{ ok: true; objects: Record<string, unknown>[] } | { ok: false; problem: RenderProblem; duplicates: { source: string; text: string }[] }> {
  const renderers = (release.spec.postRenderers ?? []).filter((renderer) => renderer.kustomize);
  await mkdir(join(dir, "0"), { recursive: true });
  const input = manifests.map((manifest) => ({ source: manifest.source, text: manifest.text.replace(/^\n+/, "") }));
  await writeFile(join(dir, "0", "helm-output.yaml"), input.map((manifest) => manifest.text).join("\n---\n"));
  let previous = "helm-output.yaml";
  let layer = 0;
  for (const renderer of renderers) {
    const layerDir = join(dir, String(layer));
    await mkdir(layerDir, { recursive: true });
    const patches = (renderer.kustomize!.patches ?? []).map((patch) => ({ patch: patch.patch, ...(patch.target ? { target: patch.target } : {}) }));
    const images = renderer.kustomize!.images ?? [];
    await writeFile(
      join(layerDir, "kustomization.yaml"),
      JSON.stringify({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: [previous], ...(patches.length ? { patches } : {}), ...(images.length ? { images } : {}) }),
    );
    previous = `../${layer}`;
    layer += 1;
  }
  const finalDir = join(dir, String(layer));
  await mkdir(finalDir, { recursive: true });
  const transformers: string[] = [];
  const common = release.spec.commonMetadata;
  const transformer = async (file: string, config: Record<string, unknown>) => {
    await writeFile(join(finalDir, file), JSON.stringify(config));
    transformers.push(file);
  };
  if (common?.labels) await transformer("common-labels.yaml", { apiVersion: "builtin", kind: "LabelTransformer", metadata: { name: "common-labels" }, labels: common.labels, fieldSpecs: [{ path: "metadata/labels", create: true }] });
  if (common?.annotations) await transformer("common-annotations.yaml", { apiVersion: "builtin", kind: "AnnotationsTransformer", metadata: { name: "common-annotations" }, annotations: common.annotations, fieldSpecs: [{ path: "metadata/annotations", create: true }] });
  await transformer("origin-labels.yaml", { apiVersion: "builtin", kind: "LabelTransformer", metadata: { name: "origin-labels" }, labels: originLabels(release), fieldSpecs: [{ path: "metadata/labels", create: true }] });
  await writeFile(
    join(finalDir, "kustomization.yaml"),
    JSON.stringify({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: [previous], transformers, sortOptions: { order: "fifo" } }),
  );
  const built = await run(context.kubectl.path, ["kustomize", "--load-restrictor", "LoadRestrictionsNone", finalDir], { ...process.env, KUBECONFIG: "/dev/null" });
  if (!built.ok) {
    // kyaml's line numbers are per document: name the templates whose output repeats a key.
    const duplicates = input.filter((manifest) => parseAllDocuments(manifest.text).some((document) => document.errors.some((error) => error.code === "DUPLICATE_KEY")));
    const source = duplicateKeySources(duplicates);
    const parse = /yaml: |mapping key .* already defined|did not find expected|could not find expected/.test(built.error);
    const detail = built.error.replace(/^error: /, "").replace(/^.*recursed accumulation of path '[^']*': /, "").replaceAll(dir, "<post-render>");
    if (parse) {
      const where = source ? ` (${source})` : "";
      return { ok: false, problem: { field: "spec.values", message: `kustomize cannot parse the chart's output${where}, and helm-controller always post-renders it (its origin labels): ${detail}` }, duplicates };
    }
    return { ok: false, problem: { field: renderers.length > 0 ? "spec.postRenderers" : "spec.commonMetadata", message: `the post-render failed: kustomize: ${detail}` }, duplicates };
  }
  return { ok: true, objects: parseObjects(built.stdout) };
}

/** The templates (and the first repeated key of each) of documents with a mapping key twice, as kustomize's parser refuses. */
function duplicateKeySources(input: { source: string; text: string }[]): string | undefined {
  const found: string[] = [];
  for (const manifest of input) {
    for (const document of parseAllDocuments(manifest.text)) {
      const duplicate = document.errors.find((error) => error.code === "DUPLICATE_KEY");
      if (duplicate) {
        const line = duplicate.linePos?.[0]?.line;
        const key = line === undefined ? undefined : /^\s*(?:- )?["']?([^"':]+)["']?\s*:/.exec(manifest.text.split("\n")[line - 1] ?? "")?.[1];
        found.push(`${manifest.source}${key ? ` repeats ${JSON.stringify(key)}` : " repeats a key"}`);
        break;
      }
    }
  }
  return found.length === 0 ? undefined : found.length <= 3 ? found.join("; ") : `${found.slice(0, 3).join("; ")} and ${found.length - 3} more`;
}

function helmEnv(work: string): NodeJS.ProcessEnv {
  return { ...process.env, HELM_CACHE_HOME: join(work, ".helm-cache"), HELM_CONFIG_HOME: join(work, ".helm-config"), HELM_DATA_HOME: join(work, ".helm-data"), KUBECONFIG: "/dev/null" };
}

function run(path: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ok: true; stdout: string; stderr: string } | { ok: false; error: string }> {
  return new Promise((resolve) => {
    execFile(path, args, { encoding: "utf8", env, timeout: 120_000, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) resolve({ ok: false, error: errorLines(stderr || error.message) });
      else resolve({ ok: true, stdout, stderr });
    });
  });
}

/** The error lines of Helm's or kubectl's stderr (Helm logs warnings as `level=INFO …`), joined in one line. */
function errorLines(stderr: string): string {
  const lines = stderr.split("\n").map((line) => line.trim()).filter((line) => line && !/^level=(INFO|WARN|DEBUG)\b/.test(line));
  return lines.slice(0, 6).join(" ") || stderr.trim();
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
