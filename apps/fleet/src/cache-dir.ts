import { join } from "node:path";
import { repoRoot } from "./repo-paths.js";

/** Where derived data is kept by default (render caches, pinned tools, stamps): inside node_modules/, ignored by git and removed with the dependencies. */
export const DEFAULT_CACHE_DIR = join(repoRoot, "node_modules/.cache/flotilla");
