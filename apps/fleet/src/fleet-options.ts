import { join, resolve } from "node:path";
import { type FleetLocation, IMAGE_TAGS_DIR } from "@flotilla/fleet";
import { IDENTITY_OUTPUTS_DIR } from "@flotilla/workload-identity";
import { exampleFleet } from "./example-fleet.js";
import type { IdentityOutputsLocation } from "./identity-outputs.js";
import type { ImageTagsLocation } from "./image-tags.js";
import { displayPath, distDir, repoRoot } from "./repo-paths.js";

/** The `--fleet` and `--identity-outputs` options shared by synth and validate. */
export interface FleetCliOptions {
  fleet?: string;
  identityOutputs?: string;
  images?: string;
}

export const FLEET_OPTION_HELP = "directory of cluster modules (.js/.mjs) to use instead of the example fleet";
export const IDENTITY_OUTPUTS_OPTION_HELP =
  "directory of identity outputs files (<cluster>.json, written by `pnpm bootstrap apply`); default apps/fleet/identity-outputs, or <fleet>/identity-outputs with --fleet";

export const IMAGES_OPTION_HELP =
  "directory of image tags files (<cluster>/images.yaml, updated by Flux's ImageUpdateAutomation); default apps/fleet/images, or <fleet>/images with --fleet";

/**
 * Where the fleet, its identity outputs and its image tags are: the example fleet,
 * apps/fleet/identity-outputs and apps/fleet/images unless told otherwise.
 */
export function fleetLocations(options: FleetCliOptions): { fleet: FleetLocation; identityOutputs: IdentityOutputsLocation; images: ImageTagsLocation } {
  const fleet: FleetLocation = options.fleet ? { modulesDir: resolve(options.fleet), displayName: displayPath } : exampleFleet(repoRoot, distDir);
  const outputsDir = options.identityOutputs
    ? resolve(options.identityOutputs)
    : options.fleet
      ? join(resolve(options.fleet), "identity-outputs")
      : join(repoRoot, IDENTITY_OUTPUTS_DIR);
  const images: ImageTagsLocation = options.images
    ? { dir: resolve(options.images), option: "--images", displayName: displayPath }
    : options.fleet
      ? { dir: join(resolve(options.fleet), "images"), option: "<fleet>/images of --fleet", displayName: displayPath }
      : { dir: join(repoRoot, IMAGE_TAGS_DIR), option: `the default ${IMAGE_TAGS_DIR}`, displayName: displayPath };
  return { fleet, identityOutputs: { dir: outputsDir, displayName: displayPath }, images };
}
