/**
 * What a cluster file needs and nothing more: `import { defineCluster } from "@flotilla/fleet/define"`.
 * Unlike the package root, it loads no schema library, so a bundled synth (which has its own copy
 * of this package) does not load the package again for every cluster file it imports.
 */
export { defineCluster } from "../define-cluster.js";
export type { ClusterSpecInput } from "../types.js";
