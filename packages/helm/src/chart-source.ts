import type { HelmRelease } from "./release-spec.js";

/** The chart a HelmRelease installs, as its Flux source serves it. */
export interface ChartSource {
  /** The Flux source kind: a HelmRepository (spec.chart) or an OCIRepository (spec.chartRef). */
  kind: "HelmRepository" | "OCIRepository";
  name: string;
  namespace: string;
  /** The source's `spec.url`, when the cluster renders the source. */
  url?: string;
  /** Chart name: `spec.chart.spec.chart`, or the OCI URL's last segment. */
  chart: string;
  /** `spec.chart.spec.version`, or the OCIRepository's `ref.tag`; undefined when unpinned. */
  version?: string;
  /** The HelmRelease field that names the chart, for messages. */
  field: string;
}

interface SourceObject {
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
  spec?: { url?: unknown; ref?: { tag?: unknown } };
}

/** Resolves the release's chart against the cluster's objects (its HelmRepository or OCIRepository). */
export function chartSourceOf(release: HelmRelease, objects: readonly unknown[]): ChartSource | { problem: { field: string; message: string } } {
  const namespace = release.metadata.namespace ?? "default";
  const find = (kind: string, name: string, ns: string) =>
    (objects as SourceObject[]).find((object) => object?.kind === kind && object.metadata?.name === name && (object.metadata?.namespace ?? "default") === ns);
  const template = release.spec.chart?.spec;
  if (template?.chart) {
    const ref = template.sourceRef ?? {};
    if (ref.kind !== "HelmRepository" || !ref.name) {
      return { problem: { field: "spec.chart.spec.sourceRef", message: `flotilla renders charts from a HelmRepository; got ${JSON.stringify(ref.kind)}` } };
    }
    const ns = ref.namespace ?? namespace;
    const source = find("HelmRepository", ref.name, ns);
    const url = source?.spec?.url;
    return { kind: "HelmRepository", name: ref.name, namespace: ns, chart: template.chart, field: "spec.chart.spec", ...(typeof url === "string" ? { url } : {}), ...(template.version ? { version: template.version } : {}) };
  }
  const ref = release.spec.chartRef;
  if (ref?.kind === "OCIRepository" && ref.name) {
    const ns = ref.namespace ?? namespace;
    const source = find("OCIRepository", ref.name, ns);
    const url = source?.spec?.url;
    if (typeof url !== "string") return { problem: { field: "spec.chartRef", message: `OCIRepository ${ns}/${ref.name} is not rendered in this cluster` } };
    const tag = source?.spec?.ref?.tag;
    return { kind: "OCIRepository", name: ref.name, namespace: ns, url, chart: url.replace(/\/+$/, "").split("/").pop() ?? "", field: "spec.chartRef", ...(typeof tag === "string" ? { version: tag } : {}) };
  }
  return { problem: { field: "spec.chart", message: "needs spec.chart.spec (HelmRepository) or spec.chartRef (OCIRepository)" } };
}
