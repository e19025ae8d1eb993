import { mkdir, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { parseAllDocuments } from "yaml";
import { type Manifest, parseKustomizeOutput } from "./helm-output.js";
import type { HelmRelease } from "./release-spec.js";
import type { RenderProblem } from "./render-release.js";
import { runTool, type ToolRunner } from "./run-tool.js";
import type { Tool } from "./tools.js";

/** One stream of Helm's output to post-render, its kustomizations written. */
export interface PostRenderJob {
  release: HelmRelease;
  /** The directory of the last kustomization (the origin labels), which `kubectl kustomize` builds. */
  finalDir: string;
  /** The directory of the whole chain: kustomize's messages name paths inside it. */
  dir: string;
  /** The documents of the stream, as written. */
  input: { source: string; text: string }[];
}

export type PostRendered =
  | { ok: true; objects: Record<string, unknown>[] }
  | { ok: false; problem: RenderProblem; duplicates: { source: string; text: string }[] };

export function originLabels(release: HelmRelease): Record<string, string> {
  return { "helm.toolkit.fluxcd.io/name": release.metadata.name, "helm.toolkit.fluxcd.io/namespace": release.metadata.namespace ?? "default" };
}

const KUSTOMIZATION = { apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization" } as const;

/**
 * helm-controller's post-renderer chain (internal/postrender): one kustomize build per
 * `spec.postRenderers[].kustomize` (patches, images; load restrictions off, plugins off), then
 * commonMetadata (labels and annotations on metadata only), then the origin labels. Each is a
 * kustomization layered on the previous one, built in one `kubectl kustomize` run in input order.
 */
export async function writePostRender(manifests: Manifest[], release: HelmRelease, dir: string): Promise<PostRenderJob> {
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
    await writeFile(join(layerDir, "kustomization.yaml"), JSON.stringify({ ...KUSTOMIZATION, resources: [previous], ...(patches.length ? { patches } : {}), ...(images.length ? { images } : {}) }));
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
  await writeFile(join(finalDir, "kustomization.yaml"), JSON.stringify({ ...KUSTOMIZATION, resources: [previous], transformers, sortOptions: { order: "fifo" } }));
  return { release, finalDir, dir, input };
}

/** Builds one stream's chain with the real kustomize; a failure is named for the HelmRelease field to change. */
export async function postRenderAlone(job: PostRenderJob, kubectl: Tool, runner?: ToolRunner): Promise<PostRendered> {
  const built = await kustomize(kubectl, job.finalDir, runner);
  if (built.ok) return { ok: true, objects: parseKustomizeOutput(built.stdout) };
  const renderers = (job.release.spec.postRenderers ?? []).filter((renderer) => renderer.kustomize);
  // kyaml's line numbers are per document: name the templates whose output repeats a key.
  const duplicates = job.input.filter((manifest) => parseAllDocuments(manifest.text).some((document) => document.errors.some((error) => error.code === "DUPLICATE_KEY")));
  const source = duplicateKeySources(duplicates);
  const parse = /yaml: |mapping key .* already defined|did not find expected|could not find expected/.test(built.error);
  const detail = built.error.replace(/^error: /, "").replace(/^.*recursed accumulation of path '[^']*': /, "").replaceAll(job.dir, "<post-render>");
  if (parse) {
    const where = source ? ` (${source})` : "";
    return { ok: false, problem: { field: "spec.values", message: `kustomize cannot parse the chart's output${where}, and helm-controller always post-renders it (its origin labels): ${detail}` }, duplicates };
  }
  return { ok: false, problem: { field: renderers.length > 0 ? "spec.postRenderers" : "spec.commonMetadata", message: `the post-render failed: kustomize: ${detail}` }, duplicates };
}

/**
 * Whether a release may be post-rendered in one kustomize run with other releases of its cluster
 * (`postRenderTogether`). A kustomization that lists the releases' chains builds each chain on
 * its own and then only gathers the results; the one step of a build that looks across
 * everything gathered is the fix of name references to renamed objects (FixBackReferences), and
 * it acts only on objects that carry a previous name. Only a patch gives an object one here (a
 * rename or a new namespace; images, labels and annotations keep the name), so a release is
 * batched when its post-renderers have no patches and Helm's output holds no kustomize build
 * annotation (`internal.config.kubernetes.io/…`, where previous names are kept).
 */
export function batchable(release: HelmRelease, helmOutput: string): boolean {
  const patched = (release.spec.postRenderers ?? []).some((renderer) => (renderer.kustomize?.patches ?? []).length > 0);
  return !patched && !helmOutput.includes("internal.config.kubernetes.io/");
}

/**
 * Several releases' chains (each `batchable`, one stream per release) built in one `kubectl
 * kustomize` run: a kustomization listing their last layers, in order, `fifo`. Its output is the
 * releases' outputs one after the other, each object carrying its release's origin labels, which
 * split it back. Undefined when the run fails (two releases render the same object, or one fails
 * on its own) or the output does not split so: then each is built alone, and any failure is
 * attributed to its release as it always is.
 */
export async function postRenderTogether(jobs: readonly PostRenderJob[], dir: string, kubectl: Tool, runner?: ToolRunner): Promise<Map<PostRenderJob, Record<string, unknown>[]> | undefined> {
  const labels = jobs.map((job) => originLabels(job.release));
  if (new Set(labels.map((label) => JSON.stringify(label))).size !== jobs.length) return undefined;
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "kustomization.yaml"), JSON.stringify({ ...KUSTOMIZATION, resources: jobs.map((job) => relative(dir, job.finalDir)), sortOptions: { order: "fifo" } }));
  const built = await kustomize(kubectl, dir, runner);
  if (!built.ok) return undefined;
  const objects = parseKustomizeOutput(built.stdout);
  const split = new Map<PostRenderJob, Record<string, unknown>[]>();
  let next = 0;
  for (const [index, job] of jobs.entries()) {
    const own: Record<string, unknown>[] = [];
    while (next < objects.length && carries(objects[next]!, labels[index]!)) own.push(objects[next++]!);
    split.set(job, own);
  }
  return next === objects.length ? split : undefined;
}

function carries(object: Record<string, unknown>, labels: Record<string, string>): boolean {
  const own = (object.metadata as { labels?: Record<string, unknown> } | undefined)?.labels;
  return Object.entries(labels).every(([key, value]) => own?.[key] === value);
}

function kustomize(kubectl: Tool, dir: string, runner: ToolRunner | undefined) {
  return runTool(kubectl.path, ["kustomize", "--load-restrictor", "LoadRestrictionsNone", dir], { ...process.env, KUBECONFIG: "/dev/null" }, runner);
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
