/**
 * The ClusterSpec types of node pools and Karpenter. A pool is written as `NodePoolOptions` of
 * `@flotilla/karpenter/model` (documented there, field by field, with the presets' defaults) and
 * validated into a `ResolvedNodePool`: the same types the constructs render and
 * `podSchedulingFor()` reads, so the spec and the manifests cannot drift apart.
 */
import type {
  NodePoolOptions,
  ResolvedNodePool,
  ResolvedSelfHostedKarpenter,
  SelfHostedKarpenterOptions,
} from "@flotilla/karpenter/model";

/**
 * A Karpenter node pool: a NodePool (`karpenter.sh/v1`) and its AKSNodeClass
 * (`karpenter.azure.com/v1beta1`) from a preset: `general`, `arm64`, `gpu` or `spot`.
 */
export type NodePoolSpecInput = NodePoolOptions;

/** Validated {@link NodePoolSpecInput}: every preset default filled (what synth renders). */
export type NodePoolSpec = ResolvedNodePool;

/** AKS node auto-provisioning: AKS runs Karpenter and its CRDs; flotilla renders only the pools. */
export interface NodeAutoProvisioningSpecInput {
  /** `az aks update --node-provisioning-mode Auto` was run on the cluster. */
  mode: "node-auto-provisioning";
}

/**
 * Self-hosted Karpenter: flotilla renders the controller's HelmRelease (its CRDs come from the
 * chart) and the identity plan gets its managed identity (`id-<cluster>-karpenter`).
 */
export interface SelfHostedKarpenterSpecInput extends SelfHostedKarpenterOptions {
  /** flotilla installs and upgrades the controller. */
  mode: "self-hosted";
}

/** How Karpenter runs on the cluster. */
export type KarpenterSpecInput = NodeAutoProvisioningSpecInput | SelfHostedKarpenterSpecInput;

/** Validated {@link SelfHostedKarpenterSpecInput}, every default filled. */
export interface SelfHostedKarpenterSpec extends ResolvedSelfHostedKarpenter {
  mode: "self-hosted";
}

/** Validated {@link KarpenterSpecInput}. */
export type KarpenterSpec = NodeAutoProvisioningSpecInput | SelfHostedKarpenterSpec;
