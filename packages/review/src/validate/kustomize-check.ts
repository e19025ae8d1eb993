import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import pLimit from "p-limit";
import { stringify } from "yaml";
import { isKubeObject, objectKey } from "@flotilla/render";
import { clusterLayout, type ClusterLayout, ROOT_GROUP } from "../flux/layout.js";
import { objectProblem } from "./problem.js";
import type { KustomizeBuild } from "./kustomize-build.js";
import { synthHint, type TreeView, type ValidationProblem } from "./types.js";

export interface KustomizeCheckOptions {
  /** Absolute path of the tree on disk (kustomize builds directories). */
  treeDir: string;
  build: KustomizeBuild;
  /** Builds run at once. */
  concurrency: number;
  /** Clusters not to build (their kustomizations were refused), nor check for objects applied once. */
  skip?: ReadonlySet<string>;
}

interface Target {
  cluster: string;
  /** Cluster-relative directory. */
  dir: string;
  /** Labels of the Flux Kustomizations that apply it. */
  appliers: string[];
}

/**
 * Every directory a Flux Kustomization applies (and each cluster root, applied by Flux's bootstrap
 * Kustomization or the AKS extension) builds with kustomize; and every object of the tree is in
 * exactly one build of its cluster: applied by exactly one Flux Kustomization. A cluster's
 * directories are first built together (one kustomize process per cluster instead of one per
 * directory: process start-up is most of the cost); kustomize fails such a build when two
 * directories hold the same object, and any failure is then pinned down directory by directory.
 */
export async function checkKustomizations(tree: TreeView, options: KustomizeCheckOptions): Promise<{ problems: ValidationProblem[]; builds: number }> {
  const problems: ValidationProblem[] = [];
  const dirs = new Set([...tree.files.keys()].map((file) => file.slice(0, file.lastIndexOf("/"))));
  const targets: Target[] = [];
  const layouts = new Map<string, ClusterLayout>();
  for (const cluster of tree.clusters) {
    if (options.skip?.has(cluster)) continue;
    const layout = clusterLayout(cluster, tree.manifests, tree.treePrefix);
    layouts.set(cluster, layout);
    const byDir = new Map<string, Target>([["", { cluster, dir: "", appliers: [ROOT_GROUP.label] }]]);
    for (const info of layout.kustomizations.values()) {
      if (info.dir === undefined) {
        problems.push(objectProblem("kustomize", info.manifest, ".spec.path", `${info.path} is outside ${tree.treePrefix}/${cluster}; a cluster's Kustomizations apply only its own directory`));
        continue;
      }
      if (info.dir === "") continue; // Flux's bootstrap Kustomization: the root target.
      if (!dirs.has(`${cluster}/${info.dir}`)) {
        problems.push(objectProblem("kustomize", info.manifest, ".spec.path", `${info.path} does not exist in the tree (no ${tree.treePrefix}/${cluster}/${info.dir}/); run \`${synthHint(tree)}\``));
        continue;
      }
      const target = byDir.get(info.dir) ?? { cluster, dir: info.dir, appliers: [] };
      target.appliers.push(info.group.id);
      byDir.set(info.dir, target);
    }
    targets.push(...byDir.values());
  }

  const limit = pLimit(Math.max(1, options.concurrency));
  const pathOf = (target: Target) => `${options.treeDir}/${target.cluster}${target.dir ? `/${target.dir}` : ""}`;
  const byCluster = new Map<string, Target[]>();
  for (const target of targets) byCluster.set(target.cluster, [...(byCluster.get(target.cluster) ?? []), target]);

  const applied = new Map<string, string[]>();
  const failed = new Set<string>();
  const record = (cluster: string, objects: unknown[], appliers: string[]) => {
    for (const object of objects) {
      if (!isKubeObject(object)) continue;
      const key = `${cluster}\n${objectKey(object)}`;
      // Every Kustomization pointing at the directory applies its objects.
      applied.set(key, [...(applied.get(key) ?? []), ...appliers]);
    }
  };
  const buildEach = async (clusterTargets: Target[]) => {
    for (const target of clusterTargets) {
      const result = await options.build(pathOf(target));
      if (result.ok) {
        record(target.cluster, result.objects, target.appliers);
        continue;
      }
      failed.add(`${target.cluster}/${target.dir}`);
      const file = `${target.cluster}/${target.dir ? `${target.dir}/` : ""}kustomization.yaml`;
      problems.push({ check: "kustomize", file, object: "", path: "", message: `kubectl kustomize failed (applied by ${target.appliers.join(", ")}): ${result.error}` });
    }
  };

  const scratch = await mkdtemp(join(tmpdir(), "flotilla-validate-"));
  try {
    await Promise.all(
      [...byCluster.values()].map((clusterTargets) =>
        limit(async () => {
          // One build of all the cluster's directories first (kustomize fails on an object two of them
          // hold); when that fails, each directory on its own says which one is broken and what is doubled.
          // (A directory that two Kustomizations point at is built on its own, to count both.)
          if (clusterTargets.length > 1 && clusterTargets.every((target) => target.appliers.length === 1)) {
            const aggregate = join(scratch, clusterTargets[0]!.cluster);
            await mkdir(aggregate);
            const resources = clusterTargets.map((target) => relative(aggregate, pathOf(target)).split(sep).join("/"));
            await writeFile(join(aggregate, "kustomization.yaml"), stringify({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources }));
            const result = await options.build(aggregate);
            if (result.ok) {
              record(clusterTargets[0]!.cluster, result.objects, ["(all)"]);
              return;
            }
          }
          await buildEach(clusterTargets);
        }),
      ),
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  // Objects of a directory whose build failed are not reported again as unapplied.
  const inFailedBuild = (cluster: string, dir: string) => failed.has(`${cluster}/${layouts.get(cluster)?.groupOfDir(dir).dir ?? ""}`);
  const seen = new Set<string>();
  for (const manifest of tree.manifests) {
    if (options.skip?.has(manifest.cluster)) continue;
    const key = `${manifest.cluster}\n${manifest.key}`;
    if (seen.has(key)) {
      problems.push(objectProblem("applied-once", manifest, "", "defined in more than one file of the cluster; keep one"));
      continue;
    }
    seen.add(key);
    const appliers = applied.get(key) ?? [];
    if (appliers.length > 1) {
      problems.push(objectProblem("applied-once", manifest, "", `applied by ${appliers.length} Flux Kustomizations (${appliers.join(", ")}); every object must be applied by exactly one`));
    } else if (appliers.length === 0 && !inFailedBuild(manifest.cluster, manifest.dir)) {
      const listing = `${tree.treePrefix}/${manifest.cluster}/${manifest.dir ? `${manifest.dir}/` : ""}kustomization.yaml`;
      problems.push(objectProblem("applied-once", manifest, "", `not applied by any Flux Kustomization: ${listing} does not include it, or no Kustomization applies its directory; run \`${synthHint(tree)}\``));
    }
  }
  return { problems, builds: targets.length };
}
