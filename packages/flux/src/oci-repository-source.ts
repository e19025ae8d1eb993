import { Construct } from "constructs";
import * as source from "./imports/source.js";
import { checkDuration, checkName, checkOneOf, resolveIdentity, type FluxResourceProps } from "./common.js";

/** Authentication provider of an OCIRepository (`azure` for ACR with workload identity). */
export type OciRepositoryProvider = "generic" | "azure" | "aws" | "gcp";

const OCI_PROVIDERS: Record<OciRepositoryProvider, source.OciRepositorySpecProvider> = {
  generic: source.OciRepositorySpecProvider.GENERIC,
  azure: source.OciRepositorySpecProvider.AZURE,
  aws: source.OciRepositorySpecProvider.AWS,
  gcp: source.OciRepositorySpecProvider.GCP,
};

/** What source-controller does with the selected layer. */
export type OciLayerOperation = "extract" | "copy";

const LAYER_OPERATIONS: Record<OciLayerOperation, source.OciRepositorySpecLayerSelectorOperation> = {
  extract: source.OciRepositorySpecLayerSelectorOperation.EXTRACT,
  copy: source.OciRepositorySpecLayerSelectorOperation.COPY,
};

/**
 * The artifact version an OCIRepository pulls. Set exactly one of `tag`,
 * `semver` or `digest`.
 *
 * @see https://fluxcd.io/flux/components/source/ocirepositories/#reference
 */
export interface OciRepositoryRef {
  /**
   * Image tag, e.g. `"1.16.1"`.
   *
   * @default - not set
   */
  readonly tag?: string;
  /**
   * SemVer range of tags, e.g. `">=1.16.0 <1.17.0"`.
   *
   * @default - not set
   */
  readonly semver?: string;
  /**
   * Regular expression filtering the tags considered by `semver` (only valid with `semver`).
   *
   * @default - not set
   */
  readonly semverFilter?: string;
  /**
   * Image digest, e.g. `"sha256:..."`.
   *
   * @default - not set
   */
  readonly digest?: string;
}

/**
 * Selects one layer of the OCI artifact.
 *
 * @see https://fluxcd.io/flux/components/source/ocirepositories/#layer-selector
 */
export interface OciLayerSelector {
  /**
   * Media type of the layer to select.
   *
   * @default - not set (the first layer)
   */
  readonly mediaType?: string;
  /**
   * `extract` unpacks the (tar+gzip) layer, `copy` stores it as-is.
   *
   * @default - not set (the controller uses "extract")
   */
  readonly operation?: OciLayerOperation;
}

/**
 * Props of {@link OciRepositorySource}.
 *
 * @see https://fluxcd.io/flux/components/source/ocirepositories/
 */
export interface OciRepositorySourceProps extends FluxResourceProps {
  /**
   * Repository URL; must start with `oci://`, e.g. `oci://myacr.azurecr.io/manifests/app`.
   *
   * @see https://fluxcd.io/flux/components/source/ocirepositories/#url
   */
  readonly url: string;

  /**
   * Artifact version to pull (exactly one of tag, semver, digest).
   *
   * Required so that what is deployed is always pinned explicitly (Flux
   * would otherwise follow the `latest` tag).
   *
   * @see https://fluxcd.io/flux/components/source/ocirepositories/#reference
   */
  readonly ref: OciRepositoryRef;

  /**
   * How often the repository is checked for a new artifact.
   *
   * @default "5m"
   * @see https://fluxcd.io/flux/components/source/ocirepositories/#interval
   */
  readonly interval?: string;

  /**
   * Authentication provider; use `azure` for ACR with AKS workload identity / kubelet identity.
   *
   * @default "generic"
   * @see https://fluxcd.io/flux/components/source/ocirepositories/#provider
   */
  readonly provider?: OciRepositoryProvider;

  /**
   * Name of a `kubernetes.io/dockerconfigjson` Secret (same namespace) with registry credentials.
   *
   * @default - no secret
   * @see https://fluxcd.io/flux/components/source/ocirepositories/#secret-reference
   */
  readonly secretRef?: string;

  /**
   * Which layer of the artifact to use. For Helm charts referenced through a
   * HelmRelease `chartRef`, use {@link OciRepositorySource.HELM_CHART_LAYER}.
   *
   * @default - not set (the first layer is extracted)
   * @see https://fluxcd.io/flux/components/source/ocirepositories/#layer-selector
   */
  readonly layerSelector?: OciLayerSelector;

  /**
   * Timeout of OCI operations (units m, s, ms).
   *
   * @default - not set (the controller uses "60s")
   * @see https://fluxcd.io/flux/components/source/ocirepositories/#timeout
   */
  readonly timeout?: string;
}

/**
 * A Flux `OCIRepository` (`source.toolkit.fluxcd.io/v1`): pulls an OCI
 * artifact (Flux manifests pushed with `flux push artifact`, or a Helm chart)
 * from a container registry.
 *
 * @see https://fluxcd.io/flux/components/source/ocirepositories/
 */
export class OciRepositorySource extends Construct {
  /** Layer selector for Helm charts pushed with `helm push`. */
  public static readonly HELM_CHART_LAYER: OciLayerSelector = {
    mediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
    operation: "copy",
  };

  /** apiVersion of the emitted object. */
  public readonly apiVersion: string = source.OciRepository.GVK.apiVersion;
  /** kind of the emitted object. */
  public readonly kind = "OCIRepository" as const;
  /** `metadata.name` of the OCIRepository. */
  public readonly name: string;
  /** `metadata.namespace` of the OCIRepository. */
  public readonly namespace: string;
  /** The underlying L1 object. */
  public readonly apiObject: source.OciRepository;

  public constructor(scope: Construct, props: OciRepositorySourceProps) {
    const { id, name, namespace, owner } = resolveIdentity("OciRepositorySource", scope, props);
    super(scope, id);
    this.name = name;
    this.namespace = namespace;

    if (typeof props.url !== "string" || !/^oci:\/\/.+/.test(props.url)) {
      throw new Error(`${owner}: url must start with oci://; got ${JSON.stringify(props.url)}`);
    }
    const provider = checkOneOf(owner, "provider", props.provider ?? "generic", Object.keys(OCI_PROVIDERS) as OciRepositoryProvider[]);

    this.apiObject = new source.OciRepository(this, "Resource", {
      metadata: { name, namespace },
      spec: {
        url: props.url,
        ref: resolveRef(owner, props.ref),
        interval: checkDuration(owner, "interval", props.interval ?? "5m"),
        provider: OCI_PROVIDERS[provider],
        secretRef: props.secretRef === undefined ? undefined : { name: checkName(owner, "secretRef", props.secretRef) },
        layerSelector: resolveLayerSelector(owner, props.layerSelector),
        timeout: props.timeout === undefined ? undefined : checkDuration(owner, "timeout", props.timeout, { hours: false }),
      },
    });
  }
}

function resolveRef(owner: string, ref: OciRepositoryRef | undefined): source.OciRepositorySpecRef {
  if (ref === undefined || ref === null || typeof ref !== "object") {
    throw new Error(`${owner}: ref is required: set exactly one of tag, semver or digest`);
  }
  const set = (["tag", "semver", "digest"] as const).filter((k) => ref[k] !== undefined);
  if (set.length !== 1) {
    throw new Error(`${owner}: ref must set exactly one of tag, semver or digest; got ${set.length === 0 ? "none" : set.join(", ")}`);
  }
  for (const k of [...set, ...(ref.semverFilter !== undefined ? (["semverFilter"] as const) : [])]) {
    if (typeof ref[k] !== "string" || ref[k]?.trim() === "") {
      throw new Error(`${owner}: ref.${k} must be a non-empty string`);
    }
  }
  if (ref.semverFilter !== undefined && ref.semver === undefined) {
    throw new Error(`${owner}: ref.semverFilter is only valid together with ref.semver`);
  }
  if (ref.digest !== undefined && !/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(ref.digest)) {
    throw new Error(`${owner}: ref.digest must look like "sha256:<hex>"; got ${JSON.stringify(ref.digest)}`);
  }
  return { tag: ref.tag, semver: ref.semver, semverFilter: ref.semverFilter, digest: ref.digest };
}

function resolveLayerSelector(owner: string, sel: OciLayerSelector | undefined): source.OciRepositorySpecLayerSelector | undefined {
  if (sel === undefined) {
    return undefined;
  }
  const operation = sel.operation === undefined ? undefined : checkOneOf(owner, "layerSelector.operation", sel.operation, Object.keys(LAYER_OPERATIONS) as OciLayerOperation[]);
  return { mediaType: sel.mediaType, operation: operation === undefined ? undefined : LAYER_OPERATIONS[operation] };
}
