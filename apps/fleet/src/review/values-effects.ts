import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ChartArchive, chartFacts, type ReleaseRender } from "@flotilla/helm";
import type { KubeObject } from "@flotilla/render";
import { type RenderedProblem, type ValueEffect, valuesEffect, valuesEffectFile } from "@flotilla/review/rendered";
import pLimit from "p-limit";
import { renderFleetReleases } from "../helm/fleet-renders.js";
import { preferPrebuiltChartFacts } from "../prebuilt-chart-facts.js";

let codeDigest: string | undefined;

/** What decides an effect besides the render key: valuesEffect's code and this module's. */
function effectsCode(): string {
  codeDigest ??= createHash("sha256").update(readFileSync(valuesEffectFile())).update(readFileSync(fileURLToPath(import.meta.url))).digest("hex");
  return codeDigest;
}

export interface ValuesEffectsInput {
  /** By cluster, what each HelmRelease renders as it is (checkReleases' renders). */
  renders: ReadonlyMap<string, readonly ReleaseRender[]>;
  /** By cluster, its objects (the HelmReleases' sources and valuesFrom). */
  objects: ReadonlyMap<string, readonly KubeObject[]>;
  kubernetesVersions: ReadonlyMap<string, string>;
  /** By cluster, its spec file (named in every problem). */
  sources: ReadonlyMap<string, string>;
  archives: readonly ChartArchive[];
  cacheDir: string;
  /** Reuse and keep each release's effects in `<cacheDir>/values-effect/`. */
  cache: boolean;
  /** Renders at once; default 4. */
  concurrency?: number;
}

export interface ValuesEffects {
  /** Values that change nothing and are not the chart's default. */
  problems: RenderedProblem[];
  /** By release, the values that change nothing but equal the chart's default, of its values or computed by its templates (said, not refused). */
  defaults: ValuesAtDefault[];
  /** Values checked, and releases whose effects were computed (not cached). */
  stats: { values: number; releases: number; computed: number; renders: number };
}

/**
 * Check (g): every value flotilla sets in a HelmRelease's `spec.values` takes effect. The release
 * is rendered once without each leaf (valuesEffect); a leaf that changes nothing must equal the
 * chart's default. One render per value, so a release's effects are kept by its render key (chart
 * digest, final values, Kubernetes, Helm and kustomize versions, API versions, post-renderers)
 * and its `spec.values`. Releases that do not render are left to the render check.
 */
export async function checkValuesEffects(input: ValuesEffectsInput): Promise<ValuesEffects> {
  preferPrebuiltChartFacts();
  const limit = pLimit(input.concurrency ?? 4);
  const result: ValuesEffects = { problems: [], defaults: [], stats: { values: 0, releases: 0, computed: 0, renders: 0 } };
  const jobs: Promise<void>[] = [];
  for (const [cluster, renders] of input.renders) {
    for (const render of renders) {
      const values = render.release.spec.values as Record<string, unknown> | undefined;
      const archive = input.archives.find((candidate) => candidate.digest === render.result.chart?.digest);
      if (!values || Object.keys(values).length === 0 || !archive || render.result.key === undefined || render.result.problems.length > 0) continue;
      result.stats.releases += 1;
      jobs.push(
        (async () => {
          const file = join(input.cacheDir, "values-effect", `${effectsKey(render, values)}.json`);
          let effects = input.cache ? readEffects(file) : undefined;
          if (!effects) {
            const baseline = outputText(render);
            effects = await valuesEffect({
              values,
              defaults: chartFacts(archive, input.cacheDir).defaults as Record<string, unknown>,
              render: async (variant) => {
                if (variant === values) return baseline;
                result.stats.renders += 1;
                return outputText(await renderVariant(input, cluster, render, variant, limit));
              },
              concurrency: 64, // the shared queue decides
            });
            result.stats.computed += 1;
            if (input.cache) writeEffects(file, effects);
          }
          result.stats.values += effects.length;
          const atDefault: ValuesAtDefault = { cluster, release: `${render.namespace}/${render.name}`, chart: [], computed: [] };
          for (const effect of effects) {
            if (effect.effect === "no-effect") result.problems.push(noEffectProblem(cluster, input.sources.get(cluster), render, effect));
            else if (effect.effect === "chart-default") atDefault.chart.push(valuePath(effect));
            else if (effect.effect === "computed-default") atDefault.computed.push(valuePath(effect));
          }
          if (atDefault.chart.length + atDefault.computed.length > 0) result.defaults.push(atDefault);
        })(),
      );
    }
  }
  await Promise.all(jobs);
  const order = (a: { cluster: string; release: string }, b: { cluster: string; release: string }) => `${a.cluster}\n${a.release}`.localeCompare(`${b.cluster}\n${b.release}`);
  result.problems.sort((a, b) => order(a, b) || a.path.localeCompare(b.path));
  result.defaults.sort(order);
  return result;
}

/** The release rendered with `values` as its `spec.values`, the cluster otherwise as it is. */
async function renderVariant(input: ValuesEffectsInput, cluster: string, render: ReleaseRender, values: Record<string, unknown>, limit: <T>(run: () => Promise<T>) => Promise<T>): Promise<ReleaseRender> {
  const objects = (input.objects.get(cluster) ?? []).map((object) =>
    object.kind === "HelmRelease" && object.metadata.name === render.name && (object.metadata.namespace ?? "default") === render.namespace ? ({ ...object, spec: { ...(object.spec as object), values } } as KubeObject) : object,
  );
  const variant = `${cluster}\0${render.namespace}/${render.name}`;
  const rendered = await renderFleetReleases(
    [{ cluster: variant, objects, only: { namespace: render.namespace, name: render.name }, ...(input.kubernetesVersions.has(cluster) ? { kubernetesVersion: input.kubernetesVersions.get(cluster)! } : {}) }],
    // Variants are not kept: one per value would crowd out the renders of the trees themselves.
    { archives: input.archives, cacheDir: input.cacheDir, cache: false, limit },
  );
  if (!rendered.ok) throw new Error(rendered.toolProblems.join("; "));
  return rendered.renders.get(variant)![0]!;
}

/** What decides whether a release renders alike: its objects and problems. */
function outputText(render: ReleaseRender): string {
  return JSON.stringify({ objects: render.result.objects, problems: render.result.problems });
}

function effectsKey(render: ReleaseRender, values: Record<string, unknown>): string {
  return createHash("sha256").update(JSON.stringify([effectsCode(), render.result.key, values])).digest("hex");
}

function readEffects(file: string): ValueEffect[] | undefined {
  try {
    const effects = JSON.parse(readFileSync(file, "utf8")) as unknown;
    return Array.isArray(effects) ? (effects as ValueEffect[]) : undefined;
  } catch {
    return undefined;
  }
}

function writeEffects(file: string, effects: ValueEffect[]): void {
  try {
    mkdirSync(join(file, ".."), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(effects));
    renameSync(temp, file);
  } catch {
    // a cache that cannot be written only costs time
  }
}

/** A release's values that take no effect because they equal the chart's default. */
export interface ValuesAtDefault {
  cluster: string;
  /** `namespace/name` of the HelmRelease. */
  release: string;
  /** Paths (`.spec.values.…`) equal to the default in the chart's values. */
  chart: string[];
  /** Paths equal to what the chart's templates compute when the value is unset. */
  computed: string[];
}

/** One line per release: which values equal the chart's default (the check says which, and passes them). */
export function formatValuesAtDefault(entry: ValuesAtDefault): string {
  const parts = [
    ...(entry.chart.length > 0 ? [`${entry.chart.join(", ")} (the chart's values)`] : []),
    ...(entry.computed.length > 0 ? [`${entry.computed.join(", ")} (what its templates compute when unset)`] : []),
  ];
  return `${entry.cluster}: HelmRelease ${entry.release}: ${entry.chart.length + entry.computed.length} value(s) equal the chart's default, so rendering without them changes nothing: ${parts.join("; ")} [values-effect]`;
}

function valuePath(effect: ValueEffect): string {
  return `.spec.values${effect.path.map((key) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`)).join("")}`;
}

function noEffectProblem(cluster: string, source: string | undefined, render: ReleaseRender, effect: ValueEffect): RenderedProblem {
  const where = source === undefined ? "the cluster file" : source;
  const message =
    `changes nothing the release renders, is not the chart's default and the chart renders the same with another value there: the chart ignores it (a disabled subchart or template, or another value overrides it). ` +
    `Change what sets it (the platform's values for ${where}) so that the chart reads it, or drop it`;
  return { check: "values-effect", cluster, release: `${render.namespace}/${render.name}`, object: "", path: valuePath(effect), message };
}
