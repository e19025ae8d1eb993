import { join } from "node:path";
import { repoRoot } from "./repo-paths.js";

/** Where derived data is kept by default (render caches, pinned tools, stamps): inside node_modules/, ignored by git and removed with the dependencies. */
export const DEFAULT_CACHE_DIR = join(repoRoot, "node_modules/.cache/flotilla");

/** synth's render cache in the cache directory (render-cache.ts). */
export const RENDER_CACHE_FILE = "rendered-objects.json";

/** validate's cache of rendered release objects found valid (a RenderCache of its own). */
export const RELEASE_OBJECTS_FILE = "validated-release-objects.json";

/** What synth's release gate learnt: parsed YAML of the planned tree and each cluster's check results (review/release-gate-cache.ts). */
export const RELEASE_GATE_FILE = "release-gate.json";

/** What validate learnt about the tree's files, by content: their parses and schema validity (review/tree-file-cache.ts). */
export const TREE_FILE_CACHE_FILE = "tree-files.v8";
