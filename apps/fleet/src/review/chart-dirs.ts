import { readdir } from "node:fs/promises";
import { join } from "node:path";

/** Where packages vendor their chart archives: `packages/<package>/charts/<chart>-<version>.tgz`. */
export async function vendoredChartDirs(repoRoot: string): Promise<string[]> {
  const packages = join(repoRoot, "packages");
  const names = await readdir(packages).catch(() => [] as string[]);
  return names.sort().map((name) => join(packages, name, "charts"));
}
