import { Construct } from "constructs";
import * as source from "./imports/source.js";
import { checkDuration, checkName, checkOneOf, resolveIdentity, type FluxResourceProps } from "./common.js";

/** Kind of Helm repository: an HTTP/S `index.yaml` repository or an OCI registry. */
export type HelmRepositoryType = "default" | "oci";

/** Authentication provider of an OCI HelmRepository (`azure` for ACR). */
export type HelmRepositoryProvider = "generic" | "azure" | "aws" | "gcp";

const HELM_PROVIDERS: Record<HelmRepositoryProvider, source.HelmRepositorySpecProvider> = {
  generic: source.HelmRepositorySpecProvider.GENERIC,
  azure: source.HelmRepositorySpecProvider.AZURE,
  aws: source.HelmRepositorySpecProvider.AWS,
  gcp: source.HelmRepositorySpecProvider.GCP,
};

/**
 * Props of {@link HelmRepositorySource}.
 *
 * @see https://fluxcd.io/flux/components/source/helmrepositories/
 */
export interface HelmRepositorySourceProps extends FluxResourceProps {
  /**
   * Repository URL: `https://...` (or `http://...`) for an index repository,
   * `oci://...` when `type` is `"oci"`.
   *
   * @see https://fluxcd.io/flux/components/source/helmrepositories/#url
   */
  readonly url: string;

  /**
   * Repository type. `"oci"` requires an `oci://` URL; `"default"` requires an
   * `http(s)://` URL.
   *
   * @default "default" (`spec.type` is not emitted)
   * @see https://fluxcd.io/flux/components/source/helmrepositories/#type
   */
  readonly type?: HelmRepositoryType;

  /**
   * Authentication provider; only allowed for `type: "oci"` (e.g. `azure` for
   * ACR with workload identity). Setting anything but `generic` on an HTTP/S
   * repository throws, because Flux would silently ignore it.
   *
   * @default - not set (the controller uses "generic")
   * @see https://fluxcd.io/flux/components/source/helmrepositories/#provider
   */
  readonly provider?: HelmRepositoryProvider;

  /**
   * How often the repository index is fetched.
   *
   * @default "1h"
   * @see https://fluxcd.io/flux/components/source/helmrepositories/#interval
   */
  readonly interval?: string;

  /**
   * Name of a Secret (same namespace) with credentials: `username` +
   * `password` for HTTP/S, or a `kubernetes.io/dockerconfigjson` Secret for OCI.
   *
   * @default - no secret
   * @see https://fluxcd.io/flux/components/source/helmrepositories/#secret-reference
   */
  readonly secretRef?: string;

  /**
   * Timeout of index fetches / OCI operations (units m, s, ms).
   *
   * @default - not set (the controller uses "60s")
   * @see https://fluxcd.io/flux/components/source/helmrepositories/#timeout
   */
  readonly timeout?: string;
}

/**
 * A Flux `HelmRepository` (`source.toolkit.fluxcd.io/v1`): a Helm chart
 * repository (HTTP/S index or OCI registry) that HelmReleases pull charts from.
 *
 * @see https://fluxcd.io/flux/components/source/helmrepositories/
 */
export class HelmRepositorySource extends Construct {
  /** apiVersion of the emitted object. */
  public readonly apiVersion: string = source.HelmRepository.GVK.apiVersion;
  /** kind of the emitted object. */
  public readonly kind = "HelmRepository" as const;
  /** `metadata.name` of the HelmRepository. */
  public readonly name: string;
  /** `metadata.namespace` of the HelmRepository. */
  public readonly namespace: string;
  /** Repository type. */
  public readonly type: HelmRepositoryType;
  /** The underlying L1 object. */
  public readonly apiObject: source.HelmRepository;

  public constructor(scope: Construct, props: HelmRepositorySourceProps) {
    const { id, name, namespace, owner } = resolveIdentity("HelmRepositorySource", scope, props);
    super(scope, id);
    this.name = name;
    this.namespace = namespace;
    this.type = checkOneOf(owner, "type", props.type ?? "default", ["default", "oci"] as const);

    if (typeof props.url !== "string") {
      throw new Error(`${owner}: url is required`);
    }
    if (this.type === "oci" && !/^oci:\/\/.+/.test(props.url)) {
      throw new Error(`${owner}: an OCI HelmRepository (type "oci") needs a url starting with oci://; got ${JSON.stringify(props.url)}`);
    }
    if (this.type === "default" && !/^https?:\/\/.+/.test(props.url)) {
      const hint = props.url.startsWith("oci://") ? ' (for an OCI registry set type: "oci")' : "";
      throw new Error(`${owner}: url must start with https:// or http://${hint}; got ${JSON.stringify(props.url)}`);
    }

    let provider: HelmRepositoryProvider | undefined;
    if (props.provider !== undefined) {
      provider = checkOneOf(owner, "provider", props.provider, Object.keys(HELM_PROVIDERS) as HelmRepositoryProvider[]);
      if (provider !== "generic" && this.type !== "oci") {
        throw new Error(
          `${owner}: provider "${provider}" is only supported for OCI Helm repositories (type: "oci" with an oci:// url); ` +
            `Flux ignores the provider of HTTP/S repositories, so use secretRef for their credentials`,
        );
      }
    }

    this.apiObject = new source.HelmRepository(this, "Resource", {
      metadata: { name, namespace },
      spec: {
        url: props.url,
        type: this.type === "oci" ? source.HelmRepositorySpecType.OCI : undefined,
        provider: provider === undefined ? undefined : HELM_PROVIDERS[provider],
        interval: checkDuration(owner, "interval", props.interval ?? "1h"),
        secretRef: props.secretRef === undefined ? undefined : { name: checkName(owner, "secretRef", props.secretRef) },
        timeout: props.timeout === undefined ? undefined : checkDuration(owner, "timeout", props.timeout, { hours: false }),
      },
    });
  }
}
