import * as k8s from "cdk8s-plus-28/lib/imports/k8s.js";
import { Construct } from "constructs";
import type { ArgoWorkflowsSpec } from "@flotilla/argo-workflows/model";
import type { PlatformReleaseValue } from "@flotilla/fleet/platform";
import { DEFAULT_FLUX_NAMESPACE, HelmReleaseFor, HelmRepositorySource, type KustomizationHealthCheck } from "@flotilla/flux";
import { MetaflowUi } from "./metaflow-ui.js";
import { METAFLOW_CHART } from "./model/chart.js";
import { metaflowClientConfig } from "./model/client-config.js";
import { metaflowValues, type MetaflowValuesProps } from "./model/values.js";

/** Props of {@link Metaflow}. */
export interface MetaflowProps extends MetaflowValuesProps {
  /** The cluster's Argo Workflows, where flows run. */
  readonly argo: ArgoWorkflowsSpec;
  /** The workload identity pod labels (`workloadIdentityPodLabels()` of `@flotilla/workload-identity`). */
  readonly podLabels: Readonly<Record<string, string>>;
  /**
   * The values the cluster sets into the HelmRelease after it is rendered (automated images): the
   * UI backend follows `metaflow-service.image`.
   * @default - none
   */
  readonly values?: readonly PlatformReleaseValue[];
  /**
   * Namespace of the HelmRepository and HelmRelease.
   * @default "flux-system"
   */
  readonly fluxNamespace?: string;
  /**
   * How often Flux reconciles the release.
   * @default "30m"
   */
  readonly interval?: string;
}

/**
 * Metaflow (chart metaflow 0.1.2) on AKS: the chart's HelmRepository, a HelmRelease of the
 * metadata service with the Azure values of `metaflowValues`, the UI ({@link MetaflowUi}, which
 * flotilla renders because helm-controller cannot install the chart's UI subchart: see the
 * README), and the ConfigMap `metaflow-config` holding the client configuration (`config.json`)
 * for this cluster, which labels flow pods for workload identity.
 *
 * @see https://docs.metaflow.org/getting-started/infrastructure
 */
export class Metaflow extends Construct {
  /** The chart source. */
  public readonly repository: HelmRepositorySource;
  /** The HelmRelease (the platform Kustomization's health check). */
  public readonly release: HelmReleaseFor;
  /** The client configuration ConfigMap. */
  public readonly clientConfig: k8s.KubeConfigMap;
  /** The UI: backend and static UI. */
  public readonly ui: MetaflowUi;
  /** The UI's Deployments, for the platform layer to wait for (the HelmRelease does not cover them). */
  public readonly healthChecks: readonly KustomizationHealthCheck[];

  public constructor(scope: Construct, id: string, props: MetaflowProps) {
    super(scope, id);
    const namespace = props.fluxNamespace ?? DEFAULT_FLUX_NAMESPACE;
    this.repository = new HelmRepositorySource(this, { id: "repository", name: "metaflow", namespace, url: METAFLOW_CHART.url, interval: "1h" });
    this.release = new HelmReleaseFor(this, {
      id: "release",
      name: METAFLOW_CHART.releaseName,
      namespace,
      targetNamespace: props.metaflow.namespace,
      releaseName: METAFLOW_CHART.releaseName,
      chart: { chart: METAFLOW_CHART.chart, version: METAFLOW_CHART.version, sourceRef: this.repository },
      interval: props.interval ?? "30m",
      timeout: "10m",
      values: metaflowValues(props),
    });
    this.clientConfig = new k8s.KubeConfigMap(this, "client-config", {
      metadata: { name: "metaflow-config", namespace: props.metaflow.namespace },
      data: { "config.json": `${JSON.stringify(metaflowClientConfig(props.metaflow, props.argo, props.podLabels), null, 2)}\n` },
    });
    this.ui = new MetaflowUi(this, "ui", { metaflow: props.metaflow, values: props.values ?? [], podLabels: props.podLabels });
    this.healthChecks = [this.ui.backend, this.ui.staticUi].map((deployment) => ({
      apiVersion: deployment.apiVersion,
      kind: deployment.kind,
      name: deployment.name,
      namespace: props.metaflow.namespace,
    }));
  }
}
