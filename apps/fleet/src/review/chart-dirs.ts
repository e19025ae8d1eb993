import { readdir } from "node:fs/promises";
import { join } from "node:path";

/** Where platform packages vendor their charts: `packages/<platform>/charts/<chart>-<version>/{Chart.yaml,values.yaml}`. */
export async function vendoredChartDirs(repoRoot: string): Promise<string[]> {
  const packages = join(repoRoot, "packages");
  const names = await readdir(packages).catch(() => [] as string[]);
  return names.sort().map((name) => join(packages, name, "charts"));
}
