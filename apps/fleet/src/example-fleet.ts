import { join, relative } from "node:path";
import type { FleetLocation } from "@flotilla/fleet";

/** The shipped fleet's cluster files, read as they are (no build step). */
export const EXAMPLE_FLEET_DIR = "apps/fleet/src/clusters";

/** The shipped example fleet: `apps/fleet/src/clusters/*.ts`, shown relative to the repository root. */
export function exampleFleet(repoRoot: string): FleetLocation {
  return { modulesDir: join(repoRoot, EXAMPLE_FLEET_DIR), displayName: (file) => relative(repoRoot, file) };
}
