import type { TreeFiles } from "@flotilla/render";

// The tree walker is render's (the same one synth uses to find generated and foreign files).
export { readTreeFiles, type TreeFiles } from "@flotilla/render";

/** The clusters of a tree: its top-level directories that hold files. */
export function clusterNames(files: TreeFiles): Set<string> {
  return new Set([...files.keys()].filter((path) => path.includes("/")).map((path) => path.slice(0, path.indexOf("/"))));
}
