import { Construct } from "constructs";
import { DEFAULT_FLUX_NAMESPACE, HelmReleaseFor, HelmRepositorySource } from "@flotilla/flux";
import { ARGO_WORKFLOWS_CHART } from "./model/chart.js";
import { argoWorkflowsValues, type ArgoWorkflowsValuesProps } from "./model/values.js";

/** Props of {@link ArgoWorkflows}. */
export interface ArgoWorkflowsProps extends ArgoWorkflowsValuesProps {
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
 * Argo Workflows (chart argo-workflows 0.47.5, Argo v3.7.11) on AKS: the argo-helm HelmRepository
 * and a HelmRelease with the Azure values of `argoWorkflowsValues`, installed into
 * `argo.namespace` (rendered with the cluster's infrastructure, with the archive's Secret).
 *
 * @see https://argo-workflows.readthedocs.io/en/release-3.7/configure-artifact-repository/#configuring-azure-blob-storage
 */
export class ArgoWorkflows extends Construct {
  /** The chart source. */
  public readonly repository: HelmRepositorySource;
  /** The HelmRelease (the platform Kustomization's health check). */
  public readonly release: HelmReleaseFor;

  public constructor(scope: Construct, id: string, props: ArgoWorkflowsProps) {
    super(scope, id);
    const namespace = props.fluxNamespace ?? DEFAULT_FLUX_NAMESPACE;
    this.repository = new HelmRepositorySource(this, { id: "repository", name: "argo", namespace, url: ARGO_WORKFLOWS_CHART.url, interval: "1h" });
    this.release = new HelmReleaseFor(this, {
      id: "release",
      name: ARGO_WORKFLOWS_CHART.releaseName,
      namespace,
      targetNamespace: props.argo.namespace,
      releaseName: ARGO_WORKFLOWS_CHART.releaseName,
      chart: { chart: ARGO_WORKFLOWS_CHART.chart, version: ARGO_WORKFLOWS_CHART.version, sourceRef: this.repository },
      interval: props.interval ?? "30m",
      timeout: "10m",
      values: argoWorkflowsValues(props),
    });
  }
}
