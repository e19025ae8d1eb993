import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type ChartArchive, readChartArchive, type RenderContext, resolveHelm, resolveKubectl, type ValuesObject } from "../src/index.js";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
/** The cache the commands use: the pinned binaries are extracted there once. */
export const cacheDir = `${repoRoot}node_modules/.cache/flotilla`;

export const ARCHIVES = {
  argo: "packages/argo-workflows/charts/argo-workflows-0.47.5.tgz",
  flyte: "packages/flyte/charts/flyte-core-v1.16.8.tgz",
  metaflow: "packages/metaflow/charts/metaflow-0.1.2.tgz",
  karpenter: "packages/karpenter/charts/karpenter-1.14.2.tgz",
} as const;

export function archive(which: keyof typeof ARCHIVES): ChartArchive {
  return readChartArchive(readFileSync(`${repoRoot}${ARCHIVES[which]}`), ARCHIVES[which]);
}

/** A render context over the vendored archives and the given ConfigMaps. */
export async function context(configMaps: ValuesObject[] = [], overrides: Partial<RenderContext> = {}): Promise<RenderContext> {
  const archives = Object.keys(ARCHIVES).map((key) => archive(key as keyof typeof ARCHIVES));
  return {
    chart: (source) => archives.find((candidate) => candidate.name === source.chart && candidate.version.replace(/^v/, "") === source.version?.replace(/^v/, "")),
    valuesObject: (kind, namespace, name) => configMaps.find((object) => object.kind === kind && object.namespace === namespace && object.name === name),
    objects: [{ apiVersion: "source.toolkit.fluxcd.io/v1", kind: "HelmRepository", metadata: { name: "charts", namespace: "flux-system" }, spec: { url: "https://example.com" } }],
    kubeVersion: "1.34.0",
    apiVersions: ["karpenter.sh/v1", "karpenter.azure.com/v1beta1"],
    helm: await resolveHelm({ cacheDir }),
    kubectl: await resolveKubectl({ cacheDir }),
    ...overrides,
  };
}

export function helmRelease(name: string, chart: string, version: string, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    metadata: { name, namespace: "flux-system" },
    spec: { chart: { spec: { chart, version, sourceRef: { kind: "HelmRepository", name: "charts" } } }, ...spec },
  };
}
