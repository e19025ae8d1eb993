import { describeUnsupportedVersion, KUBERNETES_VERSIONS, schemaVersionOf } from "@flotilla/render/kubernetes-versions";
import { showString } from "../describe-value.js";

/**
 * The Kubernetes version a cluster runs when its spec does not say: the oldest minor that both
 * AKS supports and Flux 2.9 accepts (Flux 2.9 needs Kubernetes >= 1.34; AKS made 1.34 generally
 * available in 2025). Synth renders every chart with `helm template --kube-version` of it.
 */
export const DEFAULT_KUBERNETES_VERSION = "1.34";

/**
 * The annotation synth puts on every HelmRelease: the cluster's `kubernetesVersion`, which Helm
 * renders the chart for (`--kube-version`). The tree records it so that a review (`diff`) renders
 * each side of a change for the version that side runs, and an upgrade shows in the diff.
 */
export const KUBERNETES_VERSION_ANNOTATION = "flotilla.dev/kubernetes-version";

/** The oldest minor Flux 2.9 runs on. */
export const MIN_KUBERNETES_MINOR = 34;

/** The versions a cluster may run: Flux 2.9 runs on them and flotilla ships their API schema (synth validates every object for the cluster's version). */
export const SUPPORTED_KUBERNETES_VERSIONS: readonly string[] = KUBERNETES_VERSIONS.filter((version) => Number(version.split(".")[1]) >= MIN_KUBERNETES_MINOR);

/** `1.<minor>` or `1.<minor>.<patch>` (as `az aks show --query kubernetesVersion` prints it), minor >= 34 and a shipped schema. */
export function checkKubernetesVersion(value: string): string | undefined {
  const match = /^v?1\.(\d+)(\.\d+)?$/.exec(value);
  if (!match) return `expected a Kubernetes version such as "1.34" or "1.34.2" (az aks show --query kubernetesVersion), got ${showString(value)}`;
  if (value.startsWith("v")) return `write it without the "v": ${JSON.stringify(value.slice(1))}`;
  if (Number(match[1]) < MIN_KUBERNETES_MINOR) return `Flux 2.9 needs Kubernetes 1.${MIN_KUBERNETES_MINOR} or later, got ${showString(value)}: upgrade the cluster (az aks upgrade) and set "1.${MIN_KUBERNETES_MINOR}" or later`;
  if (schemaVersionOf(value) === undefined) {
    return `${describeUnsupportedVersion(value, SUPPORTED_KUBERNETES_VERSIONS)}: synth validates every object for the cluster's version, so set a supported one or vendor that version's schema (packages/render/schemas/SOURCES.md, "Adding a version")`;
  }
  return undefined;
}
