import type { KubeObject } from "@flotilla/render";
import { clusterObjects, type PlacedObject } from "./cluster-objects.js";
import { ConfigTexts } from "./config-texts.js";
import { configFileDuplicateKeys, manifestDuplicateKeys } from "./duplicate-keys.js";
import { crdSchemas, type ListTypeResolver, listTypeResolver } from "./list-types.js";
import { objectLabel, releaseLabel } from "./pod-templates.js";
import { COMMAND_NAMES } from "@flotilla/fleet";
import { checkOwnership } from "./ownership.js";
import { checkReferences } from "./references.js";
import { duplicateListEntries } from "./server-side-apply.js";
import type { RenderedCluster, RenderedProblem } from "./types.js";
import { valueTypeProblems } from "./value-types.js";
import { checkWorkloadIdentity } from "./workload-identity.js";

export interface RenderedCheckOptions {
  /** CRDs the clusters have besides those their releases install (the vendored Flux and Karpenter CRDs). */
  crds?: readonly KubeObject[];
  /** How the hints spell `secret set` (as the CLI does); default its flotilla name. */
  secretSet?: string;
  /**
   * Answers a part of the checks (`part`: a whole cluster, or the output of its releases) from an
   * earlier run's answer for exactly this `input` (everything the part reads besides these
   * options) and these options, else runs `check`; default, everything is checked.
   */
  memo?: (part: "cluster" | "releases", input: unknown, check: () => RenderedProblem[]) => RenderedProblem[];
}

/**
 * The checks of what each cluster would run, over the rendered releases and flotilla's own
 * objects: server-side apply accepts every object, no key is written twice where a program must
 * parse it, every object has one owner, workload identity works end to end, every reference resolves. Sorted; none stops the others.
 */
export function checkRenderedClusters(clusters: readonly RenderedCluster[], options: RenderedCheckOptions = {}): RenderedProblem[] {
  const texts = new ConfigTexts();
  const problems = clusters.flatMap((cluster) => remembered(options, "cluster", plainCluster(cluster), () => checkRenderedCluster(cluster, options, texts)));
  const key = (problem: RenderedProblem) => [problem.cluster, problem.release, problem.object, problem.path, problem.check, problem.message].join("\n");
  return problems.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The cluster as the memo's input, plain data: its maps as their entries. */
function plainCluster(cluster: RenderedCluster): unknown {
  return {
    ...cluster,
    ...(cluster.settings ? { settings: [...cluster.settings] } : {}),
    ...(cluster.identitySettings ? { identitySettings: [...cluster.identitySettings] } : {}),
  };
}

function remembered(options: RenderedCheckOptions, part: "cluster" | "releases", input: unknown, check: () => RenderedProblem[]): RenderedProblem[] {
  return options.memo ? options.memo(part, input, check) : check();
}

function checkRenderedCluster(cluster: RenderedCluster, options: RenderedCheckOptions, texts: ConfigTexts): RenderedProblem[] {
  const objects = clusterObjects(cluster);
  const releaseCrds = cluster.releases.flatMap((release) => release.objects.filter((object) => object.kind === "CustomResourceDefinition"));
  let resolver: ListTypeResolver | undefined;
  const resolverOf = () => (resolver ??= listTypeResolver(crdSchemas([...(options.crds ?? []), ...releaseCrds]), cluster.kubernetesVersion));
  // What the releases render is checked object by object apart from the rest, so an edit to
  // flotilla's own objects leaves the answer for the releases' output as it was.
  const releasesInput = { cluster: cluster.cluster, source: cluster.source, kubernetesVersion: cluster.kubernetesVersion, releases: cluster.releases };
  return [
    ...remembered(options, "releases", releasesInput, () => [
      ...objectProblems(cluster, objects.all.filter((placed) => placed.release !== ""), resolverOf, texts),
      ...releaseOutputProblems(cluster),
    ]),
    ...objectProblems(cluster, objects.all.filter((placed) => placed.release === ""), resolverOf, texts),
    ...checkOwnership(cluster, objects),
    ...checkWorkloadIdentity(cluster, objects, texts),
    ...checkReferences(cluster, objects, options.secretSet ?? COMMAND_NAMES.secretSet),
  ];
}

/** Server-side apply and duplicate keys in config files: each object alone. */
function objectProblems(cluster: RenderedCluster, placed: readonly PlacedObject[], resolverOf: () => ListTypeResolver, texts: ConfigTexts): RenderedProblem[] {
  const problems: RenderedProblem[] = [];
  for (const { object, release } of placed) {
    for (const duplicate of duplicateListEntries(object, resolverOf())) {
      const keyed = duplicate.keyFields.length > 0 ? `key ${duplicate.keyFields.join("+")}` : "value";
      problems.push({
        check: "server-side-apply",
        cluster: cluster.cluster,
        release,
        object: objectLabel(object),
        path: `${duplicate.path}${duplicate.key}`,
        message:
          `two entries of ${duplicate.path} have the same ${keyed} ${duplicate.key}: server-side apply (Flux's default) rejects the object ("duplicate entries for key"). ` +
          (release === "" ? `Remove the repeated entry from ${cluster.source}` : `Remove the entry from the release's values in ${cluster.source} (the chart already sets it, or set it through the chart's own value)`),
      });
    }
    if (object.kind === "ConfigMap") {
      for (const [where, keys] of grouped(configFileDuplicateKeys(object, texts), (duplicate) => `${duplicate.file}\n${duplicate.path}`)) {
        const [file, path] = where.split("\n") as [string, string];
        problems.push({
          check: "duplicate-keys",
          cluster: cluster.cluster,
          release,
          object: objectLabel(object),
          path: `.data[${JSON.stringify(file)}]${path === "." ? "" : path}`,
          message:
            `${file} writes ${keys.map((key) => JSON.stringify(key)).join(", ")} twice under ${path}: the program reads only one of the values, maybe not the one meant. ` +
            `In ${cluster.source}, set it through the chart's own value instead of a second copy in free-form config`,
        });
      }
    }
  }

  return problems;
}

/** Keys Helm's output repeats where kustomize must parse it, and values Helm could not merge. */
function releaseOutputProblems(cluster: RenderedCluster): RenderedProblem[] {
  const problems: RenderedProblem[] = [];
  for (const release of cluster.releases) {
    for (const { source, text } of release.postRendererInput ?? []) {
      for (const [where, keys] of grouped(manifestDuplicateKeys(text, release.namespace), (duplicate) => `${duplicate.object}\n${duplicate.path}`)) {
        const [object, path] = where.split("\n") as [string, string];
        problems.push({
          check: "duplicate-keys",
          cluster: cluster.cluster,
          release: releaseLabel(release.helmRelease),
          object,
          path,
          message:
            `the template ${source} writes ${keys.map((key) => JSON.stringify(key)).join(", ")} twice under ${path}; kustomize, which helm-controller always runs on the chart's output (its origin labels, then any post-renderers), refuses such YAML ("mapping key already defined"), so the release never installs. ` +
            `In ${cluster.source}, set the platform so that its values do not enable that template`,
        });
      }
    }
  }

  for (const release of cluster.releases) problems.push(...valueTypeProblems(cluster, release));
  return problems;
}

/** The keys of duplicates grouped by where they are. */
function grouped<T extends { key: string }>(duplicates: T[], where: (duplicate: T) => string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const duplicate of duplicates) groups.set(where(duplicate), [...(groups.get(where(duplicate)) ?? []), duplicate.key]);
  return groups;
}

/** `cluster: HelmRelease ns/name: object: path: message [check]`, one line. */
export function formatRenderedProblem(problem: RenderedProblem): string {
  const release = problem.release === "" ? "" : `HelmRelease ${problem.release}`;
  return `${[problem.cluster, release, problem.object, problem.path, problem.message].filter(Boolean).join(": ")} [${problem.check}]`;
}
