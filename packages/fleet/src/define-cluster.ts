import type { ClusterSpecInput } from "./types.js";

/**
 * Declares a cluster: `export default defineCluster({ ... })` in `clusters/<name>.ts`.
 *
 * An identity function that only gives editor type-checking and docs. It never validates or
 * throws: `loadFleet` validates every cluster file at once, so all problems are reported together.
 */
export function defineCluster(input: ClusterSpecInput): ClusterSpecInput {
  return input;
}
