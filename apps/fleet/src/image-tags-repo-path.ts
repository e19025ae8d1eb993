import { existsSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { FleetProblem } from "@flotilla/fleet";
import type { ImageTagsLocation } from "./image-tags.js";

/** The nearest directory at or above `dir` holding `.git` (a directory, or a file in a worktree); `undefined` outside any repository. */
function gitRoot(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, ".git"))) return at;
    if (dirname(at) === at) return undefined;
  }
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
