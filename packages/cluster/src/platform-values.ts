import type { ImageValuePlatform } from "@flotilla/fleet";
import type { HelmReleaseFor } from "@flotilla/flux";

/** A value set into a platform's HelmRelease (`spec.values` at `path`), e.g. an automated image's tag. */
export interface PlatformValue {
  /** The platform's key under `platforms`. */
  readonly platform: ImageValuePlatform;
  /** Keys from the values root, e.g. `["metaflow-service", "image", "tag"]`. */
  readonly path: readonly string[];
  readonly value: unknown;
}

/** Sets the `values` of `platform` into its HelmRelease. */
export function setPlatformValues(release: HelmReleaseFor, platform: string, values: readonly PlatformValue[]): void {
  for (const value of values) if (value.platform === platform) release.setValue(value.path, value.value);
}
