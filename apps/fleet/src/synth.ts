import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { App } from "cdk8s";
import { ClusterChart, clusterDocuments, FLUX_SYSTEM_PATCHES_DIR, fluxControllerPatches, type PlatformValue } from "@flotilla/cluster";
import { automatedImages, type FleetLocation, type FleetProblem, type LoadedCluster, type PlatformRegistry } from "@flotilla/fleet";
import {
  compareTree,
  existingTree,
  planTree,
  readTree,
  treeWithin,
  writeTree,
  type ClusterDocuments,
  type KubeObject,
  type ObjectValidator,
  serializerFile,
  toYaml,
  type RenderProblem,
  type TreeChanges,
  type WalkedTree,
} from "@flotilla/render";
import { describeHolder, type ProcessIdentity, withLock } from "@flotilla/lock";
import { schemaVersionOf } from "@flotilla/render/kubernetes-versions";
import { PLATFORMS } from "@flotilla/platforms";
import type { ValidationProblem } from "@flotilla/review";
import type { RenderedProblem } from "@flotilla/review/rendered";
import type { ClusterIdentityPlan, IdentityOutputs } from "@flotilla/workload-identity";
import { checkRenderedChartValues, vendoredChartValues } from "./chart-values.js";
import { type FleetInputs, loadFleetInputs } from "./fleet-inputs.js";
import { changedClusters, type UnrenderedReleases, unrenderedReleases, withReportedSecrets } from "./planned-release-inputs.js";
import { type ImageTagsLocation, readImageTags } from "./image-tags.js";
import { imageTagsRepoPath } from "./image-tags-repo-path.js";
import { resolveImageValues } from "./image-values.js";
import { bundleId } from "./bundle-id.js";
import { COMMAND_HINTS } from "./cli/command-hints.js";
import { cachedValidator, fingerprintOf, RenderCache } from "./render-cache.js";
import { displayPath, repoRoot } from "./repo-paths.js";
import { vendoredChartDirs } from "./review/chart-dirs.js";
import { clusterSchemaValidators, createSchemaValidator, schemaValidatorFiles } from "./schema-validator.js";
import { identityOutputsFile, type IdentityOutputsLocation } from "./identity-outputs.js";
import { clustersWithoutProblems } from "./problem-clusters.js";
import { type PendingIdentity, pendingIdentitiesOf } from "./pending-identities.js";
import { type ClusterSecretFile, readClusterSecrets, type SecretsLocation } from "./cluster-secrets.js";


export interface SynthOptions {
  fleet: FleetLocation;
  /** Where the identity outputs files (`<cluster>.json`) are read from. */
  identityOutputs: IdentityOutputsLocation;
  /** Where the encrypted secrets (`<cluster>/<namespace>/<name>.sops.yaml`) are read from. */
  secrets: SecretsLocation;
  /** Where the image tags files (`<cluster>/images.yaml`, updated by Flux) are read from. */
  images: ImageTagsLocation;
  /** The clusters/ directory. */
  outDir: string;
  /** Compare with the tree on disk instead of writing it. */
  check: boolean;
  /**
   * Only these clusters (`--cluster`): their trees are rendered and written or checked; the
   * other clusters' trees are left as they are (never stale). A name the fleet does not have
   * throws a UsageError.
   * @default - every cluster of the fleet
   */
  clusters?: readonly string[];
  /**
   * With `check`, the tree at `outDir` as the caller has read it (walkTree; validate reads it for its own checks).
   * @default - read here
   */
  outDirTree?: WalkedTree;
  /**
   * The fleet as loadFleetInputs already read it from `fleet` and `identityOutputs` for `clusters`
   * (validate loads it for its own checks first).
   * @default - loaded here
   */
  loaded?: FleetInputs;
  /**
   * Directories of vendored charts (`<dir>/<chart>-<version>/values.yaml`) the HelmRelease values are checked against.
   * @default - every `packages/<name>/charts` of the repository
   */
  chartDirs?: readonly string[];
  /**
   * The render cache file (objects already found valid, and their YAML; see RenderCache); none when undefined.
   * @default - no cache
   */
  renderCache?: string;
  /**
   * Creates the schema validator of a Kubernetes version (a cluster's `kubernetesVersion`); only
   * called when some object rendered for that version is not known valid by the render cache.
   * @default createSchemaValidator
   */
  loadValidator?: (kubernetesVersion: string) => Promise<ObjectValidator>;
  /**
   * How long to wait for another synth writing the same tree (see @flotilla/lock).
   * @default DEFAULT_LOCK_WAIT_MS
   */
  lockWaitMs?: number;
  /** Called when another process holds the tree's lock and this one starts waiting for it. */
  onLockWait?: (holder: string) => void;
  /**
   * The registered platforms the cluster files may enable.
   * @default PLATFORMS of `@flotilla/platforms`
   */
  platforms?: PlatformRegistry;
  /**
   * Render every HelmRelease of the tree about to be written with the real Helm 4 and refuse the
   * tree when what a cluster would run fails validate's checks over releases (see checkReleases),
   * for every cluster that renders, whatever problems the others or the rest of the fleet have.
   * @default - releases are not rendered
   */
  releases?: {
    /** Where the pinned helm/kubectl are extracted, Helm renders cached (`<cacheDir>/helm-renders`) and chart facts kept (`<cacheDir>/chart-facts`). */
    cacheDir: string;
    /** Reuse and keep Helm renders. */
    cache: boolean;
    /**
     * With `check`: only the clusters whose planned files differ from the tree on disk (validate
     * checks the releases of the tree itself, so this adds what the fleet would change).
     * @default false
     */
    onlyChanged?: boolean;
  };
}

/** What rendering the planned tree's HelmReleases found (see checkPlannedReleases). */
export interface ReleaseFindings {
  /** (a) renders and post-renders, (b) strict schemas of the rendered objects. */
  problems: ValidationProblem[];
  /** (c) server-side apply, (d) duplicate keys, (e) workload identity, (f) references. */
  rendered: RenderedProblem[];
  /** Selected clusters whose releases were not rendered, because the cluster itself did not render. */
  unrendered: UnrenderedReleases[];
}

export type SynthOutcome =
  /**
   * Problems of the fleet (`problems`) or of what its clusters would run (`releases`), all found in
   * this one run; with `check` and no problems of the fleet, also how the tree differs.
   */
  | { kind: "invalid"; problems: FleetProblem[]; releases: ReleaseFindings; changes?: TreeChanges }
  /** helm or kubectl is missing (an environment error): the fleet's own problems are still reported. */
  | { kind: "missing-tools"; problems: string[]; fleetProblems: FleetProblem[] }
  | {
      kind: "checked" | "written";
      changes: TreeChanges;
      clusters: string[];
      /** Identities bootstrap apply has not created yet: their ServiceAccounts are rendered without a client ID (`synth --check` fails on them). */
      pending: PendingIdentity[];
      /** The files the tree holds when up to date: path relative to the tree root → content. */
      files: ReadonlyMap<string, string>;
    };

/**
 * Loads the fleet, plans its identities, reads their outputs, secrets and image tags, renders
 * every cluster, validates the result, checks what its releases would run (with `releases`) and
 * writes (or checks) the tree. Every step runs on what it can (a cluster is left out only of the
 * steps that need an input of it that has problems, and the outcome names a cluster whose releases
 * could not be rendered), so one run reports every problem of every cluster; any problem leaves
 * the tree as it was.
 * Identities without outputs yet are pending, not problems: their ServiceAccounts are rendered
 * without a client ID and the outcome lists them.
 */
export async function synth(options: SynthOptions): Promise<SynthOutcome> {
  // The identity plan is the single source of both sides: bootstrap creates its credentials,
  // synth renders its ServiceAccounts (and validate checks them).
  const platforms = options.platforms ?? PLATFORMS;
  const fleet = options.loaded ?? (await loadFleetInputs(options.fleet, options.identityOutputs, platforms, options.clusters));
  const problems: FleetProblem[] = [...fleet.problems];
  const { clusters, plans, outputs } = fleet;
  // Encrypted secrets are checked without any key and placed byte for byte.
  const secrets = await readClusterSecrets(options.secrets, clusters, fleet.fleet, fleet.rejected);
  problems.push(...secrets.problems);
  // Automated images: their current tags (which Flux updates) go into the platforms' values,
  // shaped after the chart's values at each path.
  // The chart facts (defaults parsed from each archive's values.yaml) are kept beside the render cache.
  const charts = vendoredChartValues(options.chartDirs, options.renderCache === undefined ? undefined : dirname(options.renderCache));
  const images = await readImageTags(options.images, clusters, fleet.fleet, fleet.rejected);
  const automates = clusters.some((cluster) => automatedImages(cluster.spec).length > 0);
  const imageValues = automates
    ? resolveImageValues(clusters, images.tags, await charts(), platforms)
    : { values: new Map<string, PlatformValue[]>(), problems: [] };
  // Flux's ImageUpdateAutomation updates the directory synth reads (its update.path).
  const tagsPath = imageTagsRepoPath(options.images);
  if (automates && "problem" in tagsPath) problems.push(tagsPath.problem);
  problems.push(...images.problems, ...imageValues.problems);

  // git.path is where Flux looks for the cluster's tree: it must be where synth writes it.
  problems.push(...misplacedGitPaths(clusters, options.outDir));

  // Every planned cluster is rendered, so that its values and schemas are checked in this run too.
  // One whose identity outputs have problems is rendered with every identity pending, and one whose image tags
  // directory has a problem a stand-in path: only ever checked, as a run with problems writes nothing.
  const planned = clusters.filter((cluster) => plans.has(cluster.spec.name));
  const identitiesOfCluster = (cluster: string) => {
    const plan = plans.get(cluster)!;
    return { plan, outputs: outputs.get(cluster) ?? { cluster, tenantId: plan.tenantId, identities: {} } };
  };
  const rendered = renderClusters(planned, options.outDir, platforms, {
    identitiesOf: identitiesOfCluster,
    secretsOf: (cluster) => secrets.files.get(cluster) ?? [],
    valuesOf: (cluster) => imageValues.values.get(cluster) ?? [],
    imageTagsPathOf: (cluster) => `${"path" in tagsPath ? tagsPath.path : "./images"}/${cluster}`,
  });
  problems.push(...rendered.problems);
  // Helm ignores unknown values: every key a HelmRelease sets must exist in its chart's values.yaml.
  problems.push(...(await checkRenderedChartValues(rendered.clusters, charts)));

  const versions = new Map(planned.map(({ spec }) => [spec.name, schemaVersionOf(spec.kubernetesVersion) ?? spec.kubernetesVersion]));
  const { validator, serialize, cache, saveCache } = await planningTools(rendered.clusters, versions, options);
  const plan = planTree(rendered.clusters, validator, serialize, COMMAND_HINTS);
  problems.push(...plan.problems.map((problem) => outputProblem(problem, rendered.clusters, options.outDir)));
  const names = clusters.map((cluster) => cluster.spec.name);
  const within = options.clusters?.length ? names : undefined;
  const existing = options.check ? treeWithin(options.outDirTree ? existingTree(options.outDirTree) : await readTree(options.outDir), within) : undefined;
  const onDisk = existing && compareTree(plan.files, existing);
  // What each cluster would run, from the files about to be written, in the same run as the
  // problems above: every cluster that rendered, with what it was rendered from (stand-in
  // identity outputs; the Secrets reported missing above count as created). Refused before the tree is touched.
  const renderedNames = new Set(rendered.clusters.map((cluster) => cluster.cluster));
  const releaseClusters = options.releases?.onlyChanged && onDisk ? changedClusters(onDisk, renderedNames) : renderedNames;
  const releaseFleet = {
    clusters: planned.filter(({ spec }) => releaseClusters.has(spec.name)),
    plans,
    outputs: new Map([...releaseClusters].map((cluster) => [cluster, identitiesOfCluster(cluster).outputs])),
  };
  const releaseFiles = filesWithin(withReportedSecrets(plan.files, releaseFleet.clusters, secrets.files), releaseClusters);
  const checked = options.releases && releaseClusters.size > 0
    ? await checkPlannedReleases(releaseFiles, releaseFleet, platforms, options.chartDirs, options.releases, cache)
    : { problems: [], rendered: [] };
  await saveCache();
  if ("missingTools" in checked) return { kind: "missing-tools", problems: checked.missingTools, fleetProblems: problems };
  if (problems.length + checked.problems.length + checked.rendered.length > 0) {
    const releases = { ...checked, unrendered: unrenderedReleases(fleet, renderedNames, platforms, options.clusters) };
    // With --check, how the tree differs for the clusters that rendered and have no problem of their own (one pass).
    const comparable = clustersWithoutProblems(problems, planned.filter(({ spec }) => renderedNames.has(spec.name)).map(({ spec, file }) => ({ name: spec.name, source: file })), options);
    const changes = existing && (problems.length === 0 ? onDisk : comparable.length > 0 ? compareTree(filesWithin(plan.files, new Set(comparable)), treeWithin(existing, comparable)) : undefined);
    return { kind: "invalid", problems, releases, ...(changes ? { changes } : {}) };
  }

  const pending = pendingIdentitiesOf(plans, fleet.pending, (cluster) => options.identityOutputs.displayName(identityOutputsFile(options.identityOutputs, cluster)), fleet.identitySettingOf);
  if (onDisk) return { kind: "checked", changes: onDisk, clusters: names, pending, files: plan.files };
  // One writer at a time: the tree is read and replaced under its lock (.clusters.lock beside it).
  const lock = { operation: "synth", waitMs: options.lockWaitMs, onWait: (holder: ProcessIdentity) => options.onLockWait?.(describeHolder(holder)) };
  const changes = await withLock(options.outDir, lock, () => writeTree(options.outDir, plan.files, { ...(within ? { within } : {}) }));
  return { kind: "written", changes, clusters: names, pending, files: plan.files };
}

/** The files of a tree (paths `<cluster>/…`) that belong to `clusters`. */
function filesWithin(files: ReadonlyMap<string, string>, clusters: ReadonlySet<string>): Map<string, string> {
  return new Map([...files].filter(([path]) => clusters.has(path.slice(0, path.indexOf("/")))));
}

/**
 * A problem of the rendered output as a problem of the cluster file: at the setting the object
 * comes from (`nodePools[0]`, `platforms.flyte`) when known, naming the object, the file it
 * would be written to and the field of the object.
 */
function outputProblem(problem: RenderProblem, clusters: readonly ClusterDocuments[], outDir: string): FleetProblem {
  const where = [problem.object, `(${displayPath(join(outDir, problem.file))})`].filter(Boolean).join(" ");
  // A file placed byte for byte (an encrypted Secret) is fixed in its source, at the field.
  if (problem.source !== undefined) {
    return { file: problem.source, path: problem.path.replace(/^\./, ""), message: `${problem.message} (placed byte for byte as ${displayPath(join(outDir, problem.file))}: correct it here and run \`pnpm synth\`)` };
  }
  const source = clusters.find((cluster) => cluster.cluster === problem.cluster)?.source ?? problem.cluster;
  return { file: source, path: problem.origin ?? "", message: `${where}${problem.path ? ` ${problem.path}` : ""}: ${problem.message}` };
}

/**
 * Each cluster's schema validator (one per Kubernetes version of `versions`, by cluster name) and
 * the serializer, answering from the render cache when synth has one.
 */
async function planningTools(
  clusters: ClusterDocuments[],
  versions: ReadonlyMap<string, string>,
  options: SynthOptions,
): Promise<{ validator: (cluster: string) => ObjectValidator; serialize: (object: KubeObject) => string; cache?: RenderCache; saveCache: () => Promise<void> }> {
  const load = options.loadValidator ?? createSchemaValidator;
  if (options.renderCache === undefined) return { validator: await clusterSchemaValidators(versions, load), serialize: toYaml, saveCache: async () => {} };
  const cache = await RenderCache.open(options.renderCache, renderCacheFingerprint([...versions.values()]));
  const objectsOf = (version: string) =>
    clusters
      .filter((cluster) => versions.get(cluster.cluster) === version)
      .flatMap((cluster) => [...cluster.documents.map((document) => document.object), ...(cluster.verbatim ?? []).map((file) => file.object)]);
  return {
    validator: await clusterSchemaValidators(versions, (version) => cachedValidator(objectsOf(version), cache, () => load(version), version)),
    serialize: (object) => cache.yamlOf(object, toYaml),
    cache,
    saveCache: () => cache.save(),
  };
}

/**
 * Everything that decides whether an object is valid and what its YAML is: the validator's code,
 * schemas and CRDs, the serializer, every dependency version (the lockfile), the bundle actually
 * running, and Node (V8 decides which CRD patterns compile).
 */
export function renderCacheFingerprint(kubernetesVersions: readonly string[]): string {
  return fingerprintOf([...schemaValidatorFiles(kubernetesVersions), serializerFile(), join(repoRoot, "pnpm-lock.yaml")], [process.version, bundleId]);
}

/**
 * validate's checks over releases (checkReleases) on the planned tree: the outcome that refuses
 * it, or undefined when every release renders and passes. Objects a release renders are
 * schema-checked through the render cache, scoped by the Kubernetes version and the CRDs the
 * cluster's releases install, so an unchanged fleet never loads the validator.
 */
async function checkPlannedReleases(
  files: Map<string, string>,
  fleet: { clusters: LoadedCluster[]; plans: ReadonlyMap<string, ClusterIdentityPlan>; outputs: ReadonlyMap<string, IdentityOutputs> },
  platforms: PlatformRegistry,
  chartDirs: readonly string[] | undefined,
  releases: NonNullable<SynthOptions["releases"]>,
  cache: RenderCache | undefined,
): Promise<Omit<ReleaseFindings, "unrendered"> | { missingTools: string[] }> {
  const [{ parseManifests }, { checkReleases }, { readVendoredArchives }, { openReleaseGateCache }] = await Promise.all([
    import("@flotilla/review"),
    import("./review/release-checks.js"),
    import("@flotilla/helm"),
    import("./review/release-gate-cache.js"),
  ]);
  const gateCache = cache === undefined ? undefined : await openReleaseGateCache(releases.cacheDir, cache.fingerprint);
  const { manifests } = parseManifests(files, undefined, gateCache?.documentsOf);
  if (!manifests.some((manifest) => manifest.object.kind === "HelmRelease")) {
    await gateCache?.save();
    return { problems: [], rendered: [] };
  }
  const kubernetesVersions = new Map(fleet.clusters.map(({ spec }) => [spec.name, spec.kubernetesVersion]));
  const result = await checkReleases({
    manifests,
    kubernetesVersions,
    fleet,
    platforms,
    archives: readVendoredArchives(chartDirs ?? (await vendoredChartDirs(repoRoot)), displayPath),
    cacheDir: releases.cacheDir,
    cache: releases.cache,
    releaseValidator: async (cluster, releaseCrds, objects) => {
      const version = kubernetesVersions.get(cluster);
      const load = () => createSchemaValidator(version, releaseCrds);
      if (cache === undefined) return load();
      const scope = `${schemaVersionOf(version ?? "") ?? version} crds:${createHash("sha256").update(JSON.stringify(releaseCrds)).digest("base64url")}`;
      return cachedValidator(objects, cache, load, scope);
    },
    ...(gateCache ? { gateCache } : {}),
  });
  await gateCache?.save();
  if (!result.ok) return { missingTools: result.toolProblems };
  return { problems: result.problems, rendered: result.rendered };
}

/** What a cluster's chart needs besides its spec, by cluster name. */
interface ClusterInputs {
  identitiesOf: (cluster: string) => { plan: ClusterIdentityPlan; outputs: IdentityOutputs };
  secretsOf: (cluster: string) => ClusterSecretFile[];
  valuesOf: (cluster: string) => PlatformValue[];
  /** The cluster's image tags directory relative to the repository root (`./…/<cluster>`), when known. */
  imageTagsPathOf: (cluster: string) => string | undefined;
}

function renderClusters(loaded: LoadedCluster[], outDir: string, platforms: PlatformRegistry, { identitiesOf, secretsOf, valuesOf, imageTagsPathOf }: ClusterInputs): { clusters: ClusterDocuments[]; problems: FleetProblem[] } {
  const app = new App();
  const clusters: ClusterDocuments[] = [];
  const problems: FleetProblem[] = [];
  for (const { file, spec } of loaded) {
    try {
      const secrets = secretsOf(spec.name);
      const chart = new ClusterChart(app, spec, {
        platforms,
        identities: identitiesOf(spec.name),
        encryptedSecrets: secrets,
        platformValues: valuesOf(spec.name),
        imageTagsPath: imageTagsPathOf(spec.name),
      });
      // Flux's own controllers get their identities from a Component flux-system/ includes.
      const controllerPatches = fluxControllerPatches(spec, identitiesOf(spec.name));
      clusters.push({
        cluster: spec.name,
        source: file,
        ...clusterDocuments(chart),
        extraResources: { "": fluxSystemEntry(outDir, spec.name, spec.flux.bootstrap) },
        ...(controllerPatches === undefined ? {} : { components: [{ dir: FLUX_SYSTEM_PATCHES_DIR, content: controllerPatches }] }),
        verbatim: secrets.map((secret) => ({
          dir: chart.infrastructure.dir,
          object: secret.info.shape as KubeObject,
          source: secret.source,
          content: secret.content,
        })),
      });
    } catch (error) {
      problems.push({ file, path: "", message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { clusters, problems };
}

/**
 * `flux bootstrap --path=clusters/<name>` commits Flux's own manifests to `flux-system/` and points
 * its root Kustomization at the cluster directory, so the root kustomization.yaml must list that
 * directory once it exists, or Flux would stop managing (and prune) itself.
 */
function fluxSystemEntry(outDir: string, cluster: string, bootstrap: string): string[] {
  const bootstrapped = existsSync(join(outDir, cluster, "flux-system", "kustomization.yaml"));
  return bootstrap === "flux-cli" && bootstrapped ? ["flux-system"] : [];
}

/**
 * Synth writes a cluster's tree to `<out>/<name>`, and its Flux Kustomizations point at `git.path`:
 * the two must be the same directory of the Git repository holding `<out>`, or Flux would look
 * where no file is. An `<out>` in no Git repository (an export, a scratch directory) is not checked.
 */
function misplacedGitPaths(loaded: LoadedCluster[], outDir: string): FleetProblem[] {
  const repository = gitWorkTreeOf(outDir);
  if (repository === undefined) return [];
  const prefix = relative(repository, outDir).split(sep).join("/");
  return loaded.flatMap(({ file, spec }) => {
    const written = prefix ? `${prefix}/${spec.name}` : spec.name;
    if (spec.git.path === written) return [];
    return [{
      file,
      path: "git.path",
      message: `${JSON.stringify(spec.git.path)} is not where synth writes this cluster's tree (${written} in the repository): Flux would look for ./${spec.git.path} while the files land in ${written}; remove git.path (it defaults to clusters/<name>) or set it to ${JSON.stringify(written)}`,
    }];
  });
}

/** The nearest directory at or above `dir` that holds `.git`, or undefined. */
function gitWorkTreeOf(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, ".git"))) return at;
    if (dirname(at) === at) return undefined;
  }
}
