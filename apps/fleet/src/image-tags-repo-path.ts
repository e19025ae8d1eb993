import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import type { FleetProblem } from "@flotilla/fleet";
import type { ImageTagsLocation } from "./image-tags.js";
import { repoRoot } from "./repo-paths.js";

/**
 * The nearest directory at or above `dir` holding `.git` (a directory, or a file in a worktree).
 * Without one (an exported copy of this repository), this repository's root when `dir` is in it:
 * it is the fleet repository Flux pulls from. `undefined` otherwise.
 */
function gitRoot(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, ".git"))) return at;
    if (dirname(at) === at) break;
  }
  const inThisRepository = relative(repoRoot, dir);
  return inThisRepository.startsWith("..") || isAbsolute(inThisRepository) ? undefined : repoRoot;
}

/**
 * Where Flux's ImageUpdateAutomation finds the image tags synth reads: `location.dir` relative to
 * the root of the Git repository holding it, POSIX and `./`-prefixed (`./apps/fleet/images`), to
 * which each cluster's name is appended for its `update.path`. A directory outside any repository
 * is a problem naming the option it came from: Flux could not update it.
 */
export function imageTagsRepoPath(location: ImageTagsLocation): { path: string } | { problem: FleetProblem } {
  const root = gitRoot(location.dir);
  if (root === undefined) {
    return {
      problem: {
        file: location.displayName(location.dir),
        path: "",
        message:
          `the image tags directory (${location.option}) is not inside a Git repository, so Flux's ImageUpdateAutomation could not update the tags synth reads there; ` +
          `use a directory of the fleet repository Flux pushes to (${location.option === "--images" ? "--images <dir in the repository>" : "or pass --images <dir in the repository>"})`,
      },
    };
  }
  const inRepo = relative(root, location.dir).split(sep).join("/");
  return { path: inRepo === "" ? "." : `./${inRepo}` };
}
