import { FLUX_NAMESPACE } from "./flux-azure-schema.js";
import type { FluxImagePolicy } from "./flux-azure-types.js";
import type { ClusterSpec } from "./types.js";

/**
 * The file of the image tags Flux's ImageUpdateAutomation writes: `<images dir>/<cluster>/images.yaml`
 * (the CLI decides the directory), one directory per cluster (the automation's `update.path`), so
 * a cluster's automation never changes another cluster's tags.
 */
export const IMAGE_TAGS_FILE = "images.yaml";

/** apiVersion and kind of the image tags file (a KRM header: Flux's setters handle Kubernetes-shaped YAML). */
export const IMAGE_TAGS_KIND = { apiVersion: "flotilla.dev/v1alpha1", kind: "ImageTags" } as const;

/** The images of `flux.images` that a platform value consumes (`automate`), in spec order. */
export function automatedImages(spec: ClusterSpec): (FluxImagePolicy & { automate: NonNullable<FluxImagePolicy["automate"]> })[] {
  return spec.flux.images.filter((image): image is FluxImagePolicy & { automate: NonNullable<FluxImagePolicy["automate"]> } => image.automate !== undefined);
}

/** The image without tag that Flux scans for `image`: `<flux.registry>.azurecr.io/<repository>`. */
export function imageRepositoryOf(spec: ClusterSpec, image: FluxImagePolicy): string {
  if (spec.flux.registry === undefined) throw new Error(`cluster ${spec.name}: flux.images needs flux.registry`);
  return `${spec.flux.registry.name}.azurecr.io/${image.repository}`;
}

/** The setter marker Flux documents for the whole image reference of the ImagePolicy `flux-system/<name>`. */
export function imagePolicyMarker(name: string): string {
  return `{"$imagepolicy": "${FLUX_NAMESPACE}:${name}"}`;
}
