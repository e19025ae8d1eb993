import { ApiObject } from "cdk8s";
import {
  type AlertEventSource,
  COMMIT_STATUS_TYPES,
  controllerIdentityComponent,
  FluxAlert,
  GitRepositorySource,
  HelmRepositorySource,
  ImagePolicyFor,
  ImageUpdateAutomationFor,
  type KustomizeComponent,
  NotificationProvider,
} from "@flotilla/flux";
import { automatedImages, type ClusterSpec, FLUX_NAMESPACE, imageRepositoryOf, parseGitUrl } from "@flotilla/fleet";
import { type ClusterIdentityPlan, fluxControllerAccounts, type IdentityOutputs } from "@flotilla/workload-identity";
import type { Construct } from "constructs";
import type { Layer } from "./layer.js";
import { renderedFrom } from "./origin.js";

/** Directory (in the cluster's tree) of the Component that patches Flux's controllers. */
export const FLUX_SYSTEM_PATCHES_DIR = "flux-system-patches";

/**
 * The extra Git sources and the ACR Helm OCI sources of `flux`, in `layer` (with the Secrets they
 * read, which the same layer applies).
 */
export function renderFluxSources(layer: Layer, spec: ClusterSpec): void {
  spec.flux.gitSources.forEach((git, i) => {
    const source = new GitRepositorySource(layer, {
      name: git.name,
      url: git.url,
      ref: { branch: git.branch },
      interval: spec.flux.sourceInterval,
      ...(git.secretRef === undefined ? {} : { secretRef: git.secretRef }),
      ...(git.provider === "azure" ? { provider: "azure" as const } : {}),
    });
    renderedFrom(source, `flux.gitSources[${i}]`);
  });
  spec.flux.helmOciSources.forEach((oci, i) => {
    const source = new HelmRepositorySource(layer, {
      name: oci.name,
      type: "oci",
      provider: "azure",
      url: `oci://${oci.registry}.azurecr.io${oci.path === "" ? "" : `/${oci.path}`}`,
    });
    renderedFrom(source, `flux.helmOciSources[${i}]`);
  });
}

/** Label of the ImagePolicies of automated images, which the ImageUpdateAutomation selects (`policySelector`). */
const AUTOMATED_POLICY_LABELS = { "image.flotilla.dev/automated": "true" } as const;

/**
 * The images of `flux.images`: an ImageRepository (provider azure, scanned by
 * image-reflector-controller with its AcrPull identity) and an ImagePolicy each, in `layer`. The
 * policies of automated images are labelled for the ImageUpdateAutomation's `policySelector`.
 */
export function renderImagePolicies(layer: Layer, spec: ClusterSpec): void {
  spec.flux.images.forEach((entry, i) => {
    const policy = new ImagePolicyFor(layer, {
      name: entry.name,
      id: `image-${entry.name}`,
      image: imageRepositoryOf(spec, entry),
      policy: entry.semver !== undefined ? { semver: entry.semver } : { pattern: entry.pattern ?? "", extract: entry.extract ?? "" },
      ...(entry.automate === undefined ? {} : { labels: AUTOMATED_POLICY_LABELS }),
    });
    renderedFrom(policy, `flux.images[${i}]`);
  });
}

/** Name of the ImageUpdateAutomation of a cluster (in `flux-system`). */
export const IMAGE_UPDATE_AUTOMATION_NAME = "flotilla";

/**
 * When the cluster automates images (`flux.images[].automate`): one ImageUpdateAutomation, in
 * `layer`, that updates the markers below `imageTagsPath` (the cluster's image tags directory,
 * `./<dir>/<cluster>` relative to the repository root, where synth reads them: only this cluster's
 * directory, so same-named policies of other clusters never apply) on `git.branch` of the fleet
 * repository and pushes to the same branch, applying only the automated images' policies. The
 * GitRepository's credentials must allow pushing.
 */
export function renderImageAutomation(layer: Layer, spec: ClusterSpec, source: GitRepositorySource, imageTagsPath: string | undefined): void {
  if (automatedImages(spec).length === 0) return;
  if (imageTagsPath === undefined) {
    throw new Error(`ClusterChart ${spec.name}: the cluster automates images (flux.images[].automate), so the repository path of its image tags directory (imageTagsPath) is required`);
  }
  const automation = new ImageUpdateAutomationFor(layer, {
    name: IMAGE_UPDATE_AUTOMATION_NAME,
    id: "image-update-automation",
    sourceRef: source,
    branch: spec.git.branch,
    path: imageTagsPath,
    policySelector: { matchLabels: AUTOMATED_POLICY_LABELS },
  });
  renderedFrom(automation, "flux.images");
}

/** The https URL of the fleet repository, which Git commit status providers report on. */
function commitStatusAddress(spec: ClusterSpec): string {
  const url = parseGitUrl(spec.git.url);
  if (url === undefined) throw new Error(`cluster ${spec.name}: git.url ${spec.git.url} is not an accepted Git URL`);
  return url.provider === "github"
    ? `https://github.com/${url.organization}/${url.repository}`
    : `https://dev.azure.com/${url.organization}/${url.project ?? ""}/_git/${url.repository}`;
}

/**
 * A Provider and an Alert per `flux.notifications` entry, in `layer`: events of every Flux
 * Kustomization in `flux-system` and of every HelmRelease the chart renders (by namespace; call it
 * after everything else is in the chart). Commit status providers get Kustomization events only
 * (the only kind Flux reports commit statuses for).
 */
export function renderNotifications(chart: Construct, layer: Layer, spec: ClusterSpec): void {
  if (spec.flux.notifications.length === 0) return;
  const helmNamespaces = [
    ...new Set(
      chart.node
        .findAll()
        .filter((construct): construct is ApiObject => construct instanceof ApiObject && construct.kind === "HelmRelease")
        .map((object) => object.metadata.namespace ?? FLUX_NAMESPACE),
    ),
  ].sort();
  spec.flux.notifications.forEach((entry, i) => {
    const commitStatus = COMMIT_STATUS_TYPES.includes(entry.type);
    const provider = renderedFrom(new NotificationProvider(layer, {
      name: entry.name,
      id: `provider-${entry.name}`,
      type: entry.type,
      secretRef: entry.secretRef,
      ...(commitStatus ? { address: commitStatusAddress(spec) } : {}),
    }), `flux.notifications[${i}]`);
    const eventSources: AlertEventSource[] = [
      { kind: "Kustomization", name: "*", namespace: FLUX_NAMESPACE },
      ...(commitStatus ? [] : helmNamespaces.map((namespace) => ({ kind: "HelmRelease" as const, name: "*", namespace }))),
    ];
    renderedFrom(new FluxAlert(layer, { name: entry.name, id: `alert-${entry.name}`, provider, eventSources, severity: entry.severity }), `flux.notifications[${i}]`);
  });
}

/**
 * The Component that gives Flux's controllers their identities (see `controllerIdentityComponent`),
 * or `undefined` when no controller has one or Flux is the AKS extension (which Azure manages:
 * configure it with `az k8s-extension update --config workloadIdentity.*`, see the README).
 */
export function fluxControllerPatches(
  spec: ClusterSpec,
  identities: { plan: ClusterIdentityPlan; outputs: IdentityOutputs } | undefined,
): KustomizeComponent | undefined {
  if (spec.flux.bootstrap !== "flux-cli" || identities === undefined) return undefined;
  const accounts = fluxControllerAccounts(spec, identities.plan, identities.outputs);
  if (accounts.length === 0) return undefined;
  return controllerIdentityComponent(
    accounts.map(({ controller, identity, clientId }) => (clientId === undefined ? { controller, pendingIdentity: identity } : { controller, clientId })),
  );
}
