import { join, relative } from "node:path";
import type { FleetLocation } from "@flotilla/fleet";

/** The shipped example fleet: `src/clusters/*.ts`, compiled to `dist/clusters/*.js`, shown as the sources. */
export function exampleFleet(repoRoot: string, distDir: string): FleetLocation {
  return {
    modulesDir: join(distDir, "clusters"),
    displayName: (file) =>
      relative(repoRoot, file).replace(/(^|\/)dist\/clusters\//, "$1src/clusters/").replace(/\.js$/, ".ts"),
  };
}
