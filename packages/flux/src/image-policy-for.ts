import { Construct } from "constructs";
import * as image from "./imports/image.js";
import { checkDuration, resolveIdentity, type FluxResourceProps } from "./common.js";

/** How an {@link ImagePolicyFor} picks the latest tag: a semver range, or a regex with a numeric capture. */
export type ImageTagPolicy =
  | { readonly semver: string }
  | {
      /** Go regular expression tags must match, e.g. `^main-[a-f0-9]+-(?P<ts>[0-9]+)$`. */
      readonly pattern: string;
      /** Replacement whose value is ordered numerically (ascending), e.g. `$ts`. */
      readonly extract: string;
    };

/**
 * Props of {@link ImagePolicyFor}.
 *
 * @see https://fluxcd.io/flux/components/image/imagerepositories/
 * @see https://fluxcd.io/flux/components/image/imagepolicies/
 */
export interface ImagePolicyForProps extends FluxResourceProps {
  /** The image without a tag, e.g. `crmldev.azurecr.io/analytics/runner`. */
  readonly image: string;
  /** Which tag is the latest. */
  readonly policy: ImageTagPolicy;
  /**
   * `provider` of the ImageRepository: `azure` makes image-reflector-controller log in to ACR with
   * its workload identity (AcrPull).
   * @default "azure"
   */
  readonly provider?: "azure" | "generic";
  /**
   * How often the registry is scanned for tags.
   * @default "5m"
   */
  readonly interval?: string;
  /**
   * Labels of the ImagePolicy, e.g. for an ImageUpdateAutomation's `policySelector`.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * An image Flux watches: an ImageRepository scanning the registry (`image.toolkit.fluxcd.io/v1`)
 * and an ImagePolicy of the same name selecting the latest tag. Files reference the selection
 * with a `# {"$imagepolicy": "<namespace>:<name>"}` marker.
 */
export class ImagePolicyFor extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly repository: image.ImageRepository;
  public readonly policy: image.ImagePolicy;

  public constructor(scope: Construct, props: ImagePolicyForProps) {
    const { id, name, namespace, owner } = resolveIdentity("ImagePolicyFor", scope, props);
    super(scope, id);
    this.name = name;
    this.namespace = namespace;
    if (typeof props.image !== "string" || !/^[a-z0-9.-]+(?::[0-9]+)?\/[a-z0-9._/-]+$/.test(props.image)) {
      throw new Error(`${owner}: image must be <registry>/<repository> without a tag or digest, e.g. "crmldev.azurecr.io/analytics/runner"; got ${JSON.stringify(props.image)}`);
    }
    const interval = checkDuration(owner, "interval", props.interval ?? "5m");
    this.repository = new image.ImageRepository(this, "Repository", {
      metadata: { name, namespace },
      spec: {
        image: props.image,
        interval,
        provider: (props.provider ?? "azure") === "azure" ? image.ImageRepositorySpecProvider.AZURE : image.ImageRepositorySpecProvider.GENERIC,
      },
    });
    const policy = props.policy;
    this.policy = new image.ImagePolicy(this, "Policy", {
      metadata: { name, namespace, ...(props.labels === undefined ? {} : { labels: { ...props.labels } }) },
      spec: {
        imageRepositoryRef: { name },
        ...("semver" in policy
          ? { policy: { semver: { range: policy.semver } } }
          : {
              filterTags: { pattern: policy.pattern, extract: policy.extract },
              policy: { numerical: { order: image.ImagePolicySpecPolicyNumericalOrder.ASC } },
            }),
      },
    });
  }
}
