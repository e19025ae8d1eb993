import { Construct } from "constructs";
import { DEFAULT_FLUX_NAMESPACE, HelmReleaseFor, OciRepositorySource } from "@flotilla/flux";
import { KARPENTER_CHART, KARPENTER_CONTROLLER, type ResolvedSelfHostedKarpenter, resolveSelfHosted, selfHostedProblems, type SelfHostedKarpenterOptions } from "./model/controller.js";
import { throwProblems } from "./model/node-pool-checks.js";

/** The pod label that makes the Azure Workload Identity webhook give the controller its token. */
const WORKLOAD_IDENTITY_POD_LABELS = { "azure.workload.identity/use": "true" } as const;

/**
 * Props of {@link SelfHostedKarpenter}: the controller settings (see `SelfHostedKarpenterOptions`)
 * and where the cluster is.
 */
export interface SelfHostedKarpenterProps extends SelfHostedKarpenterOptions {
  /** The cluster's subscription (the controller's `ARM_SUBSCRIPTION_ID`). */
  readonly subscriptionId: string;
  /** The cluster's Azure region (`LOCATION`), e.g. `westeurope`. */
  readonly location: string;
  /** Default of `clusterName`: the flotilla cluster name. */
  readonly defaultClusterName: string;
  /**
   * Namespace of the Flux objects (OCIRepository, HelmRelease).
   * @default "flux-system"
   */
  readonly fluxNamespace?: string;
  /**
   * Labels of the controller pods. The workload identity label is required: the controller
   * authenticates to Azure with the identity whose client ID annotates its ServiceAccount.
   * @default { "azure.workload.identity/use": "true" }
   */
  readonly podLabels?: Record<string, string>;
  /**
   * Construct id in the scope.
   * @default "karpenter"
   */
  readonly id?: string;
}

/**
 * A self-hosted Karpenter controller for AKS: the Azure provider's chart
 * (`oci://mcr.microsoft.com/aks/karpenter/karpenter`, an OCIRepository pinned to the release) and
 * its HelmRelease into kube-system. The chart installs the CRDs (`install.crds: CreateReplace`), so
 * NodePools and AKSNodeClasses must be applied after the release is ready (a later Flux
 * Kustomization that depends on the one applying this).
 *
 * The controller uses the ServiceAccount `karpenter-sa` (not created by the chart): render it with
 * the controller identity's client ID (`azure.workload.identity/client-id`), as `ClusterChart`
 * does from the identity plan. The kubelet bootstrap token comes from a Secret you create
 * (`bootstrapTokenSecret`, key `KUBELET_BOOTSTRAP_TOKEN`); it is never in the rendered values.
 *
 * @see https://github.com/Azure/karpenter-provider-azure#installation-self-hosted-karpenter
 */
export class SelfHostedKarpenter extends Construct {
  /** The settings with defaults filled. */
  public readonly settings: ResolvedSelfHostedKarpenter;
  /** The chart source. */
  public readonly chart: OciRepositorySource;
  /** The controller's HelmRelease (a health check / dependency target). */
  public readonly release: HelmReleaseFor;

  public constructor(scope: Construct, props: SelfHostedKarpenterProps) {
    throwProblems("SelfHostedKarpenter", selfHostedProblems(props));
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(props.subscriptionId)) {
      throw new Error(`SelfHostedKarpenter: subscriptionId must be a GUID; got ${JSON.stringify(props.subscriptionId)}`);
    }
    if (!/^[a-z][a-z0-9]*$/.test(props.location)) {
      throw new Error(`SelfHostedKarpenter: location must be a programmatic Azure region name like "westeurope"; got ${JSON.stringify(props.location)}`);
    }
    super(scope, props.id ?? "karpenter");
    const settings = resolveSelfHosted(props, props.defaultClusterName);
    this.settings = settings;
    const namespace = props.fluxNamespace ?? DEFAULT_FLUX_NAMESPACE;
    this.chart = new OciRepositorySource(this, {
      id: "chart",
      name: KARPENTER_CONTROLLER.releaseName,
      namespace,
      url: KARPENTER_CHART.url,
      ref: { tag: settings.chartVersion },
      interval: "1h",
      layerSelector: OciRepositorySource.HELM_CHART_LAYER,
    });
    this.release = new HelmReleaseFor(this, {
      id: "release",
      name: KARPENTER_CONTROLLER.releaseName,
      namespace,
      targetNamespace: settings.namespace,
      releaseName: KARPENTER_CONTROLLER.releaseName,
      chartRef: this.chart,
      values: controllerValues(settings, props),
    });
  }
}

/** The chart values: settings, the Azure environment, the bootstrap token Secret, the identity. */
function controllerValues(settings: ResolvedSelfHostedKarpenter, props: SelfHostedKarpenterProps): Record<string, unknown> {
  const env = [
    { name: "ARM_SUBSCRIPTION_ID", value: props.subscriptionId },
    { name: "LOCATION", value: props.location },
    { name: "AZURE_NODE_RESOURCE_GROUP", value: settings.nodeResourceGroup },
    { name: "VNET_SUBNET_ID", value: settings.vnetSubnetID },
    { name: "NETWORK_PLUGIN", value: settings.network.plugin === "none" ? "none" : "azure" },
    { name: "NETWORK_PLUGIN_MODE", value: settings.network.pluginMode === "none" ? "" : settings.network.pluginMode },
    { name: "NETWORK_POLICY", value: settings.network.policy === "none" ? "" : settings.network.policy },
    { name: "NETWORK_DATAPLANE", value: settings.network.dataplane },
    { name: "SSH_PUBLIC_KEY", value: settings.sshPublicKey },
    ...(settings.kubeletIdentity === undefined
      ? []
      : [
          { name: "NODE_IDENTITIES", value: settings.kubeletIdentity.resourceId },
          { name: "KUBELET_IDENTITY_CLIENT_ID", value: settings.kubeletIdentity.clientId },
        ]),
  ];
  return {
    replicas: settings.replicas,
    serviceAccount: { create: false, name: settings.serviceAccount },
    podLabels: { ...WORKLOAD_IDENTITY_POD_LABELS, ...(props.podLabels ?? {}) },
    settings: { clusterName: settings.clusterName, clusterEndpoint: settings.clusterEndpoint },
    controller: {
      env,
      // KUBELET_BOOTSTRAP_TOKEN: a credential, so from a Secret, never in Git.
      envFrom: [{ secretRef: { name: settings.bootstrapTokenSecret } }],
    },
  };
}
