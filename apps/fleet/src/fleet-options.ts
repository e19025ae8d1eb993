import { join, resolve } from "node:path";
import { DEFAULT_IMPORT_TIMEOUT_MS, type FleetLocation } from "@flotilla/fleet";
import { exampleFleet } from "./example-fleet.js";
import type { SecretsLocation } from "./cluster-secrets.js";
import type { IdentityOutputsLocation } from "./identity-outputs.js";
import type { ImageTagsLocation } from "./image-tags.js";
import { displayPath, repoRoot } from "./repo-paths.js";

/** Where the example fleet's inputs are, relative to the repository root: this app's layout. */
const IDENTITY_OUTPUTS_DIR = "apps/fleet/identity-outputs";
const SECRETS_DIR = "apps/fleet/secrets";
const IMAGE_TAGS_DIR = "apps/fleet/images";

/** The `--fleet`, `--identity-outputs`, `--images` (and synth's `--secrets`) options. */
export interface FleetCliOptions {
  fleet?: string;
  identityOutputs?: string;
  images?: string;
  secrets?: string;
}

export const CLUSTER_OPTION_HELP = "only this cluster (repeatable, or a comma-separated list); default: every cluster";

export const FLEET_OPTION_HELP = "directory of cluster files (<name>.ts, or .mts/.js/.mjs) to use instead of apps/fleet/src/clusters";

/**
 * How long one cluster file may take to import: FLOTILLA_IMPORT_TIMEOUT seconds (default 10).
 * A file that hangs fails the run, naming it.
 */
export function importTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.FLOTILLA_IMPORT_TIMEOUT);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_IMPORT_TIMEOUT_MS;
}
export const IDENTITY_OUTPUTS_OPTION_HELP =
  "directory of identity outputs files (<cluster>.json, written by `pnpm bootstrap apply`); default apps/fleet/identity-outputs, or <fleet>/identity-outputs with --fleet";

export const SECRETS_OPTION_HELP =
  "directory of encrypted secrets (<cluster>/<namespace>/<name>.sops.yaml, written by `pnpm secret set`); default apps/fleet/secrets, or <fleet>/secrets with --fleet";

export const IMAGES_OPTION_HELP =
  "directory of image tags files (<cluster>/images.yaml, updated by Flux's ImageUpdateAutomation); default apps/fleet/images, or <fleet>/images with --fleet";

/**
 * Where the fleet and its inputs are: the example fleet and apps/fleet/{identity-outputs,secrets,images}
 * unless told otherwise.
 */
export function fleetLocations(options: FleetCliOptions): {
  fleet: FleetLocation;
  identityOutputs: IdentityOutputsLocation;
  secrets: SecretsLocation;
  images: ImageTagsLocation;
} {
  const fleet: FleetLocation = {
    ...(options.fleet ? { modulesDir: resolve(options.fleet), displayName: displayPath } : exampleFleet(repoRoot)),
    importTimeoutMs: importTimeoutMs(),
    // A fleet outside the repository imports @flotilla/fleet/define from this app's dependencies.
    packagesFrom: join(repoRoot, "apps/fleet"),
  };
  /** The option's directory, else `<fleet>/<name>` with --fleet, else the repository's default. */
  const inputDir = (value: string | undefined, option: string, name: string, repositoryDefault: string) =>
    value
      ? { dir: resolve(value), option, displayName: displayPath }
      : options.fleet
        ? { dir: join(resolve(options.fleet), name), option: `<fleet>/${name} of --fleet`, displayName: displayPath }
        : { dir: join(repoRoot, repositoryDefault), option: `the default ${repositoryDefault}`, displayName: displayPath };
  return {
    fleet,
    identityOutputs: inputDir(options.identityOutputs, "--identity-outputs", "identity-outputs", IDENTITY_OUTPUTS_DIR),
    secrets: inputDir(options.secrets, "--secrets", "secrets", SECRETS_DIR),
    images: inputDir(options.images, "--images", "images", IMAGE_TAGS_DIR),
  };
}
