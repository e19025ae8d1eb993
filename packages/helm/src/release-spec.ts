import { createHash } from "node:crypto";

/** The parts of a HelmRelease (helm.toolkit.fluxcd.io/v2) that decide what it renders. */
export interface HelmRelease {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string };
  spec: HelmReleaseSpec;
}

export interface HelmReleaseSpec {
  chart?: { spec?: { chart?: string; version?: string; sourceRef?: { kind?: string; name?: string; namespace?: string } } };
  chartRef?: { kind?: string; name?: string; namespace?: string };
  releaseName?: string;
  targetNamespace?: string;
  storageNamespace?: string;
  install?: { crds?: string; disableHooks?: boolean };
  upgrade?: { crds?: string };
  values?: unknown;
  valuesFrom?: unknown;
  postRenderers?: PostRenderer[];
  postRenderStrategy?: string;
  commonMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

export interface PostRenderer {
  kustomize?: {
    patches?: { patch: string; target?: Record<string, string> }[];
    images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  };
}

export type CrdPolicy = "Skip" | "Create" | "CreateReplace";
export type PostRenderStrategy = "nohooks" | "combined" | "separate";

/**
 * helm-controller's release name: `spec.releaseName`, else `<targetNamespace>-<name>` with a
 * targetNamespace, else the HelmRelease's name; longer than 53 characters it is cut to 40 and
 * suffixed with `-` and 12 hex digits of its sha256 (internal/release.ShortenName).
 */
export function releaseNameOf(release: HelmRelease): string {
  const { spec, metadata } = release;
  const name = spec.releaseName ? spec.releaseName : spec.targetNamespace ? `${spec.targetNamespace}-${metadata.name}` : metadata.name;
  if (name.length <= 53) return name;
  return `${name.slice(0, 53 - 13)}-${createHash("sha256").update(name).digest("hex").slice(0, 12)}`;
}

/** Where the chart's objects go: `spec.targetNamespace`, else the HelmRelease's namespace. */
export function releaseNamespaceOf(release: HelmRelease): string {
  return release.spec.targetNamespace || release.metadata.namespace || "default";
}

/** Where Helm keeps the release Secret: `spec.storageNamespace`, else the HelmRelease's namespace. */
export function storageNamespaceOf(release: HelmRelease): string {
  return release.spec.storageNamespace || release.metadata.namespace || "default";
}

/**
 * The CRD policy of an action (`install.crds` / `upgrade.crds`). helm-controller v1.6 defaults
 * both to Create in code (internal/action/crds.go `DefaultCRDPolicy`), although the API docs say
 * upgrades default to Skip; flotilla follows the code.
 */
export function crdPolicyOf(release: HelmRelease, action: "install" | "upgrade"): CrdPolicy | string {
  return release.spec[action]?.crds || "Create";
}

/** `spec.postRenderStrategy`: default `combined` (Helm 4; `nohooks` only with the UseHelm3Defaults feature gate). */
export function postRenderStrategyOf(release: HelmRelease): PostRenderStrategy | string {
  return release.spec.postRenderStrategy || "combined";
}
