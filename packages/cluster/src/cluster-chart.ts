import { Chart } from "cdk8s";
import * as k8s from "cdk8s-plus-28/lib/imports/k8s.js";
import type { Construct } from "constructs";
import { GitRepositorySource, HelmReleaseFor } from "@flotilla/flux";
import { type ClusterSpec, KUBERNETES_VERSION_ANNOTATION, NO_PLATFORMS, type PlatformRegistry } from "@flotilla/fleet";
import {
  type ClusterIdentityPlan,
  type IdentityOutputs,
  KARPENTER_CONTROLLER_IDENTITY,
  plannedServiceAccounts,
  WorkloadServiceAccount,
} from "@flotilla/workload-identity";
import { renderFluxSources, renderImageAutomation, renderImagePolicies, renderNotifications } from "./flux-azure.js";
import type { PlatformValue } from "./platform-values.js";
import { Layer } from "./layer.js";
import { renderedFrom } from "./origin.js";
import { renderNodePools, renderPinnedNamespaces, renderSelfHostedKarpenter } from "./node-pools.js";
import { renderPlatforms } from "./platforms.js";
import { sopsDecryption } from "./sops-decryption.js";

/** Name of the GitRepository every layer of a cluster is read from. */
export const fleetSourceName = "flotilla";

/** Props of {@link ClusterChart}. */
export interface ClusterChartProps {
  /**
   * The registered platforms (`definePlatforms`, the registry the spec was loaded with): each
   * enabled one gets its namespace and its layer. A spec section of a platform that is not
   * registered throws.
   *
   * @default - no platforms
   */
  readonly platforms?: PlatformRegistry;
  /**
   * The cluster's identity plan (from `planClusterIdentities(spec)`, without problems) and its
   * identity outputs (checked with `identityOutputsFor`). The chart renders one
   * `WorkloadServiceAccount` per ServiceAccount credential of the plan; a planned identity the
   * outputs have no entry for is pending: its ServiceAccounts are marked
   * `flotilla.dev/pending-identity` and get no client ID. Required when the spec has identities.
   *
   * @default - no identities
   */
  readonly identities?: { readonly plan: ClusterIdentityPlan; readonly outputs: IdentityOutputs };
  /**
   * The cluster's SOPS-encrypted Secrets, placed into the infrastructure layer (by the renderer,
   * byte for byte). When there are any, the infrastructure Kustomization gets its `decryption`
   * settings from the spec's `sops` recipients.
   *
   * @default - no encrypted Secrets
   */
  readonly encryptedSecrets?: readonly { readonly namespace: string; readonly name: string }[];
  /**
   * Values set into the platforms' HelmReleases: the current images of `flux.images[].automate`
   * (read from the cluster's images.yaml, shaped after the chart's values by synth).
   *
   * @default - none
   */
  readonly platformValues?: readonly PlatformValue[];
  /**
   * The directory of the cluster's images.yaml relative to the repository root, POSIX and
   * `./`-prefixed (e.g. `./fleet/images/dev`): the ImageUpdateAutomation's `update.path`, so
   * Flux updates the file synth reads. Required when the cluster automates images.
   *
   * @default - none
   */
  readonly imageTagsPath?: string;
}

/**
 * Everything one cluster runs, as Flux reconciles it from `clusters/<name>/`: the cluster's Git
 * source and a chain of layers, infrastructure first, then platforms.
 */
export class ClusterChart extends Chart {
  readonly spec: ClusterSpec;
  readonly source: GitRepositorySource;
  /** Namespaces, workload identity ServiceAccounts, node pools and controllers: what platforms need before they start. */
  readonly infrastructure: Layer;
  /** The ML platforms, applied once the infrastructure is ready. */
  readonly platforms: Layer;
  /**
   * Controllers whose CRDs the infrastructure layer uses, applied (and ready) before it: the
   * self-hosted Karpenter controller and its ServiceAccount. `undefined` when there are none.
   */
  readonly controllers: Layer | undefined;
  /** The ServiceAccounts bound to the cluster's managed identities, sorted by namespace and name. */
  readonly serviceAccounts: WorkloadServiceAccount[];
  /** One layer per enabled platform (`platform-flyte`, …), each depending on the infrastructure. */
  readonly platformLayers: Layer[];

  constructor(scope: Construct, spec: ClusterSpec, props: ClusterChartProps = {}) {
    super(scope, spec.name, {
      disableResourceNameHashes: true,
      labels: { "app.kubernetes.io/managed-by": "flotilla" },
    });
    this.spec = spec;
    this.source = renderedFrom(
      new GitRepositorySource(this, {
        name: fleetSourceName,
        url: spec.git.url,
        ref: { branch: spec.git.branch },
        interval: spec.flux.sourceInterval,
        ...(spec.git.secretRef ? { secretRef: spec.git.secretRef } : {}),
      }),
      "git",
    );
    const decryption = (props.encryptedSecrets?.length ?? 0) > 0 ? sopsDecryption(spec) : undefined;
    this.infrastructure = new Layer(this, { name: "infrastructure", spec, source: this.source, ...(decryption ? { decryption } : {}) });
    this.platforms = new Layer(this, {
      name: "platforms",
      spec,
      source: this.source,
      dependsOn: [this.infrastructure],
    });
    this.controllers = spec.karpenter?.mode === "self-hosted" ? new Layer(this, { name: "controllers", spec, source: this.source }) : undefined;
    if (this.controllers !== undefined) {
      this.infrastructure.kustomization.addDependency(this.controllers.kustomization);
      renderSelfHostedKarpenter(this.controllers, spec);
    }
    spec.namespaces.forEach((namespace, i) => {
      renderedFrom(new k8s.KubeNamespace(this.infrastructure, `namespace-${namespace.name}`, { metadata: { name: namespace.name, labels: namespace.labels } }), `namespaces[${i}]`);
    });
    renderNodePools(this.infrastructure, spec);
    renderPinnedNamespaces(this.infrastructure, spec);
    renderFluxSources(this.infrastructure, spec);
    renderImagePolicies(this.infrastructure, spec);
    renderImageAutomation(this.infrastructure, spec, this.source, props.imageTagsPath);
    this.serviceAccounts = this.renderServiceAccounts(props.identities);
    this.platformLayers = renderPlatforms(this, {
      spec,
      platforms: props.platforms ?? NO_PLATFORMS,
      source: this.source,
      infrastructure: this.infrastructure,
      identities: props.identities,
      values: props.platformValues ?? [],
    });
    // Last: the Alerts list the namespaces of every HelmRelease rendered above.
    renderNotifications(this, this.infrastructure, spec);
    for (const release of this.node.findAll()) {
      if (release instanceof HelmReleaseFor) release.apiObject.metadata.addAnnotation(KUBERNETES_VERSION_ANNOTATION, spec.kubernetesVersion);
    }
  }

  /** The layers in the order Flux applies them. */
  get layers(): Layer[] {
    return [...(this.controllers === undefined ? [] : [this.controllers]), this.infrastructure, this.platforms, ...this.platformLayers];
  }

  /**
   * One ServiceAccount per ServiceAccount credential of the plan, in the infrastructure layer
   * with the namespaces (Flux applies namespaces first and waits for the layer to be ready before
   * platforms start, so workloads never run before their ServiceAccount exists).
   */
  private renderServiceAccounts(identities: ClusterChartProps["identities"]): WorkloadServiceAccount[] {
    if (identities === undefined) {
      if (this.spec.identities.length > 0) {
        throw new Error(`ClusterChart ${this.spec.name}: the cluster declares identities, so its identity plan and outputs are required`);
      }
      if (this.controllers !== undefined) {
        throw new Error(`ClusterChart ${this.spec.name}: the self-hosted Karpenter controller has an identity, so the cluster's identity plan and outputs are required`);
      }
      return [];
    }
    if (identities.plan.cluster !== this.spec.name) {
      throw new Error(`ClusterChart ${this.spec.name}: got the identity plan of cluster ${identities.plan.cluster}`);
    }
    return plannedServiceAccounts(identities.plan, identities.outputs).map((account) => {
      // The self-hosted Karpenter controller's ServiceAccount goes with its HelmRelease.
      const serviceAccount = new WorkloadServiceAccount(account.identity === KARPENTER_CONTROLLER_IDENTITY && this.controllers ? this.controllers : this.infrastructure, {
        name: account.name,
        namespace: account.namespace,
        ...(account.clientId === undefined ? { pendingIdentity: account.identity } : { clientId: account.clientId }),
        tenantId: account.tenantId,
      });
      const declared = this.spec.identities.findIndex((identity) => identity.name === account.identity);
      return declared === -1 ? serviceAccount : renderedFrom(serviceAccount, `identities[${declared}]`);
    });
  }
}
