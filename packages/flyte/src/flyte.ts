import { Construct } from "constructs";
import type { PlatformIdentityAnnotation } from "@flotilla/fleet/platform";
import { DEFAULT_FLUX_NAMESPACE, HelmReleaseFor, HelmRepositorySource } from "@flotilla/flux";
import type { FlyteSpec } from "./model/spec.js";
import { FLYTE_CHART } from "./model/chart.js";
import { type FlyteToleration, flyteValues } from "./model/values.js";

/** Props of {@link Flyte}. */
export interface FlyteProps {
  /** The validated `platforms.flyte` of the cluster (storage, database, projects, domains). */
  readonly flyte: FlyteSpec;
  /** The annotation binding the backend's ServiceAccounts to `flyte-backend` (`identityAnnotation` of the render context). */
  readonly backendIdentity: PlatformIdentityAnnotation;
  /** The annotation binding the task ServiceAccounts to `flyte-tasks`. */
  readonly tasksIdentity: PlatformIdentityAnnotation;
  /** The workload identity pod labels (`workloadIdentityPodLabels()` of `@flotilla/workload-identity`). */
  readonly podLabels: Readonly<Record<string, string>>;
  /**
   * The tolerations of the pool `flyte.gpuNodePool` (`podSchedulingFor(pool).tolerations` of
   * `@flotilla/karpenter`), given to task pods requesting `nvidia.com/gpu`.
   * @default - none
   */
  readonly gpuTolerations?: readonly FlyteToleration[] | undefined;
  /**
   * Namespace of the HelmRepository and HelmRelease.
   * @default "flux-system"
   */
  readonly fluxNamespace?: string;
  /**
   * How often Flux reconciles the release (drift, values changes).
   * @default "30m"
   */
  readonly interval?: string;
}

/**
 * Flyte (flyte-core v1.16.8) on AKS: the chart's HelmRepository and a HelmRelease with the Azure
 * values of `flyteValues` (Blob Storage, PostgreSQL, workload identity), installed into
 * `flyte.namespace`. The namespace and the password Secret are rendered by the cluster with its
 * infrastructure (they must exist first); the identities come from the identity plan
 * (`flyteIdentityRequirements`).
 *
 * @see https://docs.flyte.org/en/latest/deployment/deployment/cloud_production.html
 */
export class Flyte extends Construct {
  /** The chart source. */
  public readonly repository: HelmRepositorySource;
  /** The HelmRelease (the platform Kustomization's health check). */
  public readonly release: HelmReleaseFor;

  public constructor(scope: Construct, id: string, props: FlyteProps) {
    super(scope, id);
    const namespace = props.fluxNamespace ?? DEFAULT_FLUX_NAMESPACE;
    this.repository = new HelmRepositorySource(this, { id: "repository", name: "flyte", namespace, url: FLYTE_CHART.url, interval: "1h" });
    this.release = new HelmReleaseFor(this, {
      id: "release",
      name: FLYTE_CHART.releaseName,
      namespace,
      targetNamespace: props.flyte.namespace,
      releaseName: FLYTE_CHART.releaseName,
      chart: { chart: FLYTE_CHART.chart, version: FLYTE_CHART.version, sourceRef: this.repository },
      interval: props.interval ?? "30m",
      // Database migrations run as init containers on first install.
      timeout: "15m",
      values: flyteValues(props),
    });
  }
}
