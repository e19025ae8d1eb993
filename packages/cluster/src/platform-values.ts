import { ARGO_WORKFLOWS_CHART } from "@flotilla/argo-workflows";
import type { ImageValuePlatform } from "@flotilla/fleet";
import type { HelmReleaseFor } from "@flotilla/flux";
import { FLYTE_CHART } from "@flotilla/flyte";
import { METAFLOW_CHART } from "@flotilla/metaflow";

/** A value set into a platform's HelmRelease (`spec.values` at `path`), e.g. an automated image's tag. */
export interface PlatformValue {
  readonly platform: ImageValuePlatform;
  /** Keys from the values root, e.g. `["metaflow-service", "image", "tag"]`. */
  readonly path: readonly string[];
  readonly value: unknown;
}

/** The chart each platform installs (name and exact version), whose vendored values.yaml shapes its values. */
export const PLATFORM_CHARTS: Readonly<Record<ImageValuePlatform, { readonly chart: string; readonly version: string }>> = {
  flyte: FLYTE_CHART,
  argoWorkflows: ARGO_WORKFLOWS_CHART,
  metaflow: METAFLOW_CHART,
};

/** Sets the `values` of `platform` into its HelmRelease. */
export function setPlatformValues(release: HelmReleaseFor, platform: ImageValuePlatform, values: readonly PlatformValue[]): void {
  for (const value of values) if (value.platform === platform) release.setValue(value.path, value.value);
}
