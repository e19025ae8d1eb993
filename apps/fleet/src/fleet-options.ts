import { join, resolve } from "node:path";
import type { FleetLocation } from "@flotilla/fleet";
import { IDENTITY_OUTPUTS_DIR } from "@flotilla/workload-identity";
import { exampleFleet } from "./example-fleet.js";
import type { IdentityOutputsLocation } from "./identity-outputs.js";
import { displayPath, distDir, repoRoot } from "./repo-paths.js";

/** The `--fleet` and `--identity-outputs` options shared by synth and validate. */
export interface FleetCliOptions {
  fleet?: string;
  identityOutputs?: string;
}

export const FLEET_OPTION_HELP = "directory of cluster modules (.js/.mjs) to use instead of the example fleet";
export const IDENTITY_OUTPUTS_OPTION_HELP =
  "directory of identity outputs files (<cluster>.json, written by `pnpm bootstrap apply`); default apps/fleet/identity-outputs, or <fleet>/identity-outputs with --fleet";

/** Where the fleet and its identity outputs are: the example fleet and apps/fleet/identity-outputs unless told otherwise. */
export function fleetLocations(options: FleetCliOptions): { fleet: FleetLocation; identityOutputs: IdentityOutputsLocation } {
  const fleet: FleetLocation = options.fleet ? { modulesDir: resolve(options.fleet), displayName: displayPath } : exampleFleet(repoRoot, distDir);
  const outputsDir = options.identityOutputs
    ? resolve(options.identityOutputs)
    : options.fleet
      ? join(resolve(options.fleet), "identity-outputs")
      : join(repoRoot, IDENTITY_OUTPUTS_DIR);
  return { fleet, identityOutputs: { dir: outputsDir, displayName: displayPath } };
}
