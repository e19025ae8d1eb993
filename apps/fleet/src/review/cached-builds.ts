import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { BuildResult, KustomizeBuild } from "@flotilla/review";
import { DiskJsonCache } from "../helm/disk-render-cache.js";

export interface CachedBuildOptions {
  /** The tree on disk and its files as validate read them (path relative to the tree → content). */
  treeDir: string;
  files: ReadonlyMap<string, string>;
  /** Paths of the tree that are not plain files (symlinks): their clusters are always built. */
  others: ReadonlySet<string>;
  cacheDir: string;
  /** What decides the output besides the files: the kubectl (path, version, kustomize version). */
  fingerprint: string;
}

/**
 * kustomize builds remembered by their inputs, in `<cacheDir>/kustomize-builds/`: a build of a
 * cluster's directory (or of the aggregate of its directories that validate writes) reads only
 * files of that cluster, so its key is a digest of every file of the cluster, the directory built
 * and the kubectl. A cluster whose kustomizations reach outside its own directory (`../` above
 * it), or that holds anything but plain files, is always built. Only successful builds are kept.
 */
export function cachedKustomizeBuild(build: KustomizeBuild, options: CachedBuildOptions): KustomizeBuild {
  const cache = new DiskJsonCache<BuildResult>(options.cacheDir, "kustomize-builds");
  const digests = new Map<string, string | null>();
  const clusterDigest = (cluster: string): string | null => {
    let digest = digests.get(cluster);
    if (digest === undefined) {
      digest = closedClusterDigest(cluster, options);
      digests.set(cluster, digest);
    }
    return digest;
  };
  return async (dir) => {
    const target = buildTarget(dir, options.treeDir);
    const digest = target === undefined ? null : clusterDigest(target.cluster);
    if (target === undefined || digest === null) return build(dir);
    const key = createHash("sha256").update(`${options.fingerprint}\0${target.what}\0${digest}`).digest("hex");
    const known = cache.get(key);
    if (known?.ok) return known;
    const result = await build(dir);
    if (result.ok) cache.set(key, result);
    return result;
  };
}

/**
 * The cluster a build belongs to and what is built: a directory of the tree (`<cluster>/<dir>`),
 * or validate's aggregate of a cluster's directories (a directory named after the cluster outside
 * the tree, whose kustomization.yaml lists them), by its kustomization.
 */
function buildTarget(dir: string, treeDir: string): { cluster: string; what: string } | undefined {
  const inTree = relative(treeDir, dir);
  if (inTree && !inTree.startsWith("..") && !inTree.startsWith(sep)) return { cluster: inTree.split(sep)[0]!, what: `tree ${inTree.split(sep).join("/")}` };
  let kustomization: string;
  try {
    kustomization = readFileSync(join(dir, "kustomization.yaml"), "utf8");
  } catch {
    return undefined;
  }
  const cluster = dir.split(sep).pop()!;
  const clusterRoot = join(treeDir, cluster);
  const listed = [...kustomization.matchAll(/(?:^|[\s"',[])((?:\.\.\/)+[^\s"',\]]*)/gm)].map((match) => resolve(dir, match[1]!));
  if (listed.length === 0 || !listed.every((path) => path === clusterRoot || path.startsWith(`${clusterRoot}${sep}`))) return undefined;
  return { cluster, what: `aggregate ${listed.map((path) => relative(clusterRoot, path)).sort().join(" ")}\0${kustomization.replaceAll(/(?:\.\.\/)+/g, "")}` };
}

/** A digest of every file of the cluster, or null when its builds may read beyond them. */
function closedClusterDigest(cluster: string, options: CachedBuildOptions): string | null {
  const prefix = `${cluster}/`;
  if ([...options.others].some((path) => path.startsWith(prefix))) return null;
  const digest = createHash("sha256");
  const clusterRoot = join(options.treeDir, cluster);
  for (const path of [...options.files.keys()].filter((file) => file.startsWith(prefix)).sort()) {
    const content = options.files.get(path)!;
    if (/(^|\/)kustomization\.ya?ml$/.test(path) && reachesOutside(content, dirname(join(options.treeDir, path)), clusterRoot)) return null;
    digest.update(`${path}\0${content}\0`);
  }
  return digest.digest("hex");
}

function reachesOutside(kustomization: string, dir: string, clusterRoot: string): boolean {
  for (const match of kustomization.matchAll(/((?:\.\.\/?)+[^\s"',\]]*)/g)) {
    const path = resolve(dir, match[1]!);
    if (path !== clusterRoot && !path.startsWith(`${clusterRoot}${sep}`)) return true;
  }
  return false;
}
