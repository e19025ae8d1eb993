import { execFileSync } from "node:child_process";
import { type ChartArchive, readVendoredArchives, vendoredChartArchive } from "@flotilla/helm";

const ARCHIVE_PATH = /^packages\/[^/]+\/charts\/((.+)-(v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?))\.tgz$/;

/**
 * The chart archives vendored at `commit` of the repository holding `dir` (`packages/<package>/charts/<chart>-<version>.tgz`,
 * read with git), so a side of a diff renders with its own charts; `fallbackDirs` (the installed
 * packages) when that commit vendors none (a tree kept in a repository of its own).
 */
export function archivesAt(dir: string, commit: string | undefined, fallbackDirs: readonly string[], displayName: (path: string) => string): ChartArchive[] {
  if (commit === undefined) return readVendoredArchives(fallbackDirs, displayName);
  let root: string;
  let paths: string[];
  try {
    root = execFileSync("git", ["-C", dir, "rev-parse", "--show-toplevel"], { encoding: "utf8" }).trim();
    paths = execFileSync("git", ["-C", root, "ls-tree", "-r", "--name-only", commit, "--", "packages"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })
      .split("\n")
      .filter((path) => ARCHIVE_PATH.test(path));
  } catch {
    return readVendoredArchives(fallbackDirs, displayName);
  }
  if (paths.length === 0) return readVendoredArchives(fallbackDirs, displayName);
  return paths.map((path) => {
    const match = ARCHIVE_PATH.exec(path)!;
    const bytes = execFileSync("git", ["-C", root, "cat-file", "blob", `${commit}:${path}`], { maxBuffer: 256 * 1024 * 1024 });
    return vendoredChartArchive(bytes, `${path} at ${commit.slice(0, 12)}`, match[2]!, match[3]!);
  });
}
