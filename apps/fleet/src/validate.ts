import { relative, resolve, sep, basename, join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { type ObjectValidator, walkTree } from "@flotilla/render";
import { ChartValuesRegistry, formatProblem, kubectlKustomizeWith, type Manifest, validateTree, vendoredChartCheckers } from "@flotilla/review";
import { formatRenderedProblem } from "@flotilla/review/rendered";
import { checkTools, execTool, readVendoredArchives } from "@flotilla/helm";
import { collectClusterNames, type FleetProblem, type LoadedCluster } from "@flotilla/fleet";
import { type ClusterIdentityPlan, type FluxControllerAccount, fluxControllerAccounts, type IdentityOutputs } from "@flotilla/workload-identity";
import { identityOutputsFile } from "./identity-outputs.js";
import { CLUSTER_OPTION_HELP, FLEET_OPTION_HELP, fleetLocations, IDENTITY_OUTPUTS_OPTION_HELP, IMAGES_OPTION_HELP, SECRETS_OPTION_HELP } from "./fleet-options.js";
import { loadFleetInputs } from "./fleet-inputs.js";
import { describePendingIdentities, pendingIdentitiesOf } from "./pending-identities.js";
import { COMMAND_HINTS } from "./cli/command-hints.js";
import { EXIT } from "./cli/exit-codes.js";
import { UsageError } from "./cli/usage-error.js";
import { walkedWithin } from "./review/cluster-scope.js";
import { displayPath, repoRoot } from "./repo-paths.js";
import { DEFAULT_CACHE_DIR, RELEASE_OBJECTS_FILE, RENDER_CACHE_FILE, TREE_FILE_CACHE_FILE } from "./cache-dir.js";
import { TreeFileCache, treeFileCacheFingerprint } from "./review/tree-file-cache.js";
import { benchWithout } from "./bench-switches.js";
import { releaseValidators } from "./review/release-validators.js";
import { vendoredChartDirs } from "./review/chart-dirs.js";
import { imageValueExpectations } from "./review/image-expectations.js";
import { clusterSchemaValidators, createSchemaValidator } from "./schema-validator.js";
import { generatedDrift } from "./review/generated-drift.js";
import { cachedKustomizeBuild } from "./review/cached-builds.js";
import { secretExpectations } from "./secret-expectations.js";
import { checkReleases } from "./review/release-checks.js";
import { acquireToolSpawner, releaseToolSpawner } from "./helm/fleet-renders.js";
import { openReleaseGateCache } from "./review/release-gate-cache.js";
import { renderCacheFingerprint } from "./synth.js";
import { formatValuesAtDefault } from "./review/values-effects.js";
import { PLATFORMS } from "@flotilla/platforms";

interface ValidateCliOptions {
  tree: string;
  cluster?: string[];
  fleet?: string;
  identityOutputs?: string;
  images?: string;
  secrets?: string;
  charts?: string[];
  concurrency: number;
  cacheDir: string;
  cache: boolean;
  valuesEffect: boolean;
  listValueDefaults?: boolean;
}

/** `flotilla validate`: its action reports the exit code to `done`. */
export function validateCommand(done: (code: number) => void): Command {
  return new Command("validate")
    .description(
      "Check the committed tree: schemas, kustomize builds of every Flux Kustomization path, each object applied exactly once, " +
        "dependsOn and sources, workload identities against the plan and outputs, chart values, automated images against images.yaml, no plaintext Secret. One line per problem; exit 1 if any.",
    )
    .option("--tree <dir>", "the rendered tree", join(repoRoot, "clusters"))
    .option("--cluster <name>", CLUSTER_OPTION_HELP, collectClusterNames)
    .option("--fleet <dir>", FLEET_OPTION_HELP)
    .option("--identity-outputs <dir>", IDENTITY_OUTPUTS_OPTION_HELP)
    .option("--images <dir>", IMAGES_OPTION_HELP)
    .option("--secrets <dir>", SECRETS_OPTION_HELP)
    .option("--charts <dir...>", "directories of vendored chart archives (<chart>-<version>.tgz); default packages/*/charts")
    .option("--concurrency <n>", "kustomize builds and Helm renders at once", parseConcurrency, 4)
    .option("--cache-dir <dir>", "where the pinned helm/kubectl and the Helm render cache are kept", DEFAULT_CACHE_DIR)
    .option("--no-cache", "render every HelmRelease, build every kustomization, parse every file of the tree and check every value's effect again instead of reusing cached results")
    .option("--no-values-effect", "leave out the check that every value flotilla sets takes effect (one Helm render per value when not cached)")
    .option("--list-value-defaults", "print, by release, the values that take no effect because they equal the chart's default")
    .action(async (options: ValidateCliOptions) => done(await run(options)));
}

function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError("expected an integer from 1 to 64");
  return n;
}

async function run(options: ValidateCliOptions): Promise<number> {
  const started = performance.now();
  const treeDir = resolve(options.tree);
  const shownTree = displayPath(treeDir);
  const lines: string[] = [];
  const cacheDir = resolve(options.cacheDir);
  // Every external tool checked once, up front: kubectl (kustomize builds) and Helm 4 (renders).
  const { tools, problems: toolProblems } = await checkTools(["kubectl", "helm"], { cacheDir });
  if (toolProblems.length > 0) {
    for (const problem of toolProblems) console.error(`validate: ${problem}`);
    return EXIT.usage;
  }

  const locations = fleetLocations(options);
  const selected = options.cluster ?? [];
  // The cluster files compile and import in esbuild's process and a worker thread: the tree and
  // the cache are read meanwhile.
  const loading = loadFleetInputs(locations.fleet, locations.identityOutputs, PLATFORMS, selected).then(
    (loaded) => ({ loaded }),
    (error: unknown) => ({ error }),
  );
  const walkedTree = await walkTree(treeDir);
  const treeCache = options.cache && !benchWithout("tree-cache") ? await TreeFileCache.open(join(cacheDir, TREE_FILE_CACHE_FILE), treeFileCacheFingerprint()) : undefined;
  const outcome = await loading;
  if ("error" in outcome) {
    if (!(outcome.error instanceof UsageError)) throw outcome.error;
    console.error(`validate: ${outcome.error.message}`);
    return EXIT.usage;
  }
  const fleet = outcome.loaded;
  // --cluster: only those clusters' trees (loadFleetInputs refused names that are not the fleet's, loaded or not).
  const scope = selected.length === 0 ? undefined : [...new Set(selected)].sort();
  for (const problem of fleet.problems) lines.push(`${fleetProblemLine(problem)} [fleet]`);
  // Identities bootstrap apply has not created: the tree is reviewable, but not ready to merge.
  const pending = pendingIdentitiesOf(fleet.plans, fleet.pending, (cluster) => displayPath(identityOutputsFile(locations.identityOutputs, cluster)), fleet.identitySettingOf);
  lines.push(...describePendingIdentities(pending, shownTree).map((line) => `${line} [pending-identity]`));

  const registry = new ChartValuesRegistry();
  const chartDirs = options.charts?.map((dir) => resolve(dir)) ?? (await vendoredChartDirs(repoRoot));
  const archives = readVendoredArchives(chartDirs, displayPath);
  for (const checker of vendoredChartCheckers(archives, { cacheDir })) registry.register(checker);
  // The clusters whose files load are checked against the fleet even when others' do not.
  const kubernetesVersions = new Map(fleet.clusters.map(({ spec }) => [spec.name, spec.kubernetesVersion]));
  const images = await imageValueExpectations(fleet.clusters, locations.images, registry, fleet.fleet, fleet.rejected);
  for (const problem of images.problems) lines.push(`${fleetProblemLine(problem)} [images]`);
  const walked = walkedWithin(walkedTree, scope);
  // kubectl started by the tool spawner (a fork from a small process), with Go's collector off as for the renders.
  const runner = acquireToolSpawner();
  const kustomize = kubectlKustomizeWith(tools.kubectl!.path, (path, args) => execTool(path, args, process.env, runner));
  // What each cluster would run (synth refuses a tree that fails these) is checked from the tree's
  // objects as soon as they are parsed: Helm and kustomize then render the releases while the
  // tree's own builds and synth's check run. Every HelmRelease rendered, schemas of what it
  // renders, server-side apply, duplicate keys, workload identity end to end, references, every
  // value taking effect.
  let onParsed!: (manifests: readonly Manifest[]) => void;
  const manifestsParsed = new Promise<readonly Manifest[]>((resolve) => (onParsed = resolve));
  const validating = validateTree({
    files: walked.files,
    others: walked.others,
    treeDir,
    treePrefix: treePrefix(treeDir),
    validator: await treeValidators(kubernetesVersions),
    charts: registry,
    images: images.expected,
    secrets: secretExpectations(fleet.fleet),
    commands: COMMAND_HINTS,
    concurrency: options.concurrency,
    ...(treeCache ? { documentsOf: treeCache.documentsOf, schemaValidity: treeCache.validity((cluster) => kubernetesVersions.get(cluster) ?? "(default)") } : {}),
    build: options.cache ? cachedKustomizeBuild(kustomize, { treeDir, files: walked.files, others: walked.others, cacheDir, fingerprint: JSON.stringify(tools.kubectl) }) : kustomize,
    identities: {
      plans: [...fleet.plans.values()],
      // Clusters of the fleet whose files or identity plans have problems (reported above).
      unchecked: [...fleet.rejected, ...fleet.clusters.map(({ spec }) => spec.name).filter((name) => !fleet.plans.has(name))],
      outputs: fleet.outputs,
      outputsFile: (cluster: string) => displayPath(identityOutputsFile(locations.identityOutputs, cluster)),
      fluxControllers: fluxControllerExpectations(fleet),
    },
    onParsed,
  }).finally(releaseToolSpawner);
  const checkingReleases = (async () => {
    const manifests = await Promise.race([manifestsParsed, validating.then((result) => result.manifests)]);
    // Rendered objects found valid are remembered (cache dir), so a warm run validates only what changed.
    const validators = await releaseValidators(options.cache ? join(cacheDir, RELEASE_OBJECTS_FILE) : undefined, kubernetesVersions);
    // The checks' answers for clusters checked before with the same inputs, shared with synth's release gate.
    const gateCache = options.cache ? await openReleaseGateCache(cacheDir, renderCacheFingerprint([...new Set(kubernetesVersions.values())])) : undefined;
    const checked = await checkReleases({
      manifests,
      releaseValidator: validators.validatorOf,
      kubernetesVersions,
      fleet,
      platforms: PLATFORMS,
      archives,
      cacheDir,
      cache: options.cache,
      concurrency: options.concurrency,
      valuesEffect: options.valuesEffect,
      ...(gateCache ? { gateCache } : {}),
    });
    await Promise.all([validators.save(), gateCache?.save()]);
    return checked;
  })();
  // Generated files change only the way synth changes them; what keeps synth from rendering is a problem here too.
  // With the releases of every cluster whose files synth would change (the tree's own are checked below).
  // synth's check runs in this process while the tree's kustomize builds run (validateTree waits for them).
  const drifting = generatedDrift({ ...locations, clusters: selected, loaded: fleet, outDirTree: walkedTree, ...(options.cache ? { renderCache: join(cacheDir, RENDER_CACHE_FILE) } : {}) }, treeDir, { cacheDir, cache: options.cache });
  const [result, synthesized, releases] = await Promise.all([validating, drifting, checkingReleases]);
  await treeCache?.save();
  lines.push(...result.problems.map((problem) => formatProblem(problem, shownTree)));
  lines.push(...synthesized.drift.map((problem) => formatProblem(problem, shownTree)));
  const reported = new Set([...fleet.problems, ...images.problems].map(problemKey));
  for (const problem of synthesized.synth) if (!reported.has(problemKey(problem))) lines.push(`${fleetProblemLine(problem)} [fleet]`);
  if (!releases.ok) lines.push(...releases.toolProblems.map((message) => `${message} [tools]`));
  else lines.push(...releases.problems.map((problem) => formatProblem(problem, shownTree)), ...releases.rendered.map(formatRenderedProblem), ...(releases.effects?.problems ?? []).map(formatRenderedProblem));
  // What synth would refuse in the releases it would change, once (the same problem may be the tree's too).
  const wouldRun = synthesized.releases ? [...synthesized.releases.problems.map((problem) => formatProblem(problem, shownTree)), ...synthesized.releases.rendered.map(formatRenderedProblem)] : [];
  lines.push(...wouldRun.filter((line) => !lines.includes(line)));
  const effects = releases.ok ? releases.effects : undefined;
  // Values that equal the chart's default take no effect by design: passed, and said on request.
  if (options.listValueDefaults) for (const entry of effects?.defaults ?? []) console.log(formatValuesAtDefault(entry));

  const { stats } = result;
  const summary = `${stats.clusters} cluster(s), ${stats.objects} object(s) in ${stats.files} file(s), ${stats.builds} kustomize build(s), ${releases.ok ? releases.releases : 0} Helm release render(s), ${effects ? `${effects.stats.values} value(s) checked for effect (${effects.defaults.reduce((sum, entry) => sum + entry.chart.length + entry.computed.length, 0)} equal to the chart's default, ${effects.stats.renders} more render(s)), ` : ""}${registry.size} vendored chart(s); ${((performance.now() - started) / 1000).toFixed(1)} s`;
  if (lines.length === 0) {
    console.log(`${shownTree}/ is valid (${summary}).`);
    return EXIT.ok;
  }
  console.error(lines.join("\n"));
  const unchecked = fleet.rejected.length > 0 ? ` Cluster(s) ${fleet.rejected.join(", ")} did not load, so the tree was not checked against their definitions.` : "";
  console.error(`${lines.length} problem(s) (${summary}).${unchecked}`);
  return EXIT.findings;
}

function fleetProblemLine(problem: FleetProblem): string {
  return [problem.file, problem.path, problem.message].filter(Boolean).join(": ");
}

function problemKey(problem: FleetProblem): string {
  return `${problem.file}\0${problem.path}\0${problem.message}`;
}

/** Each cluster's validator for its spec's Kubernetes version; a cluster the fleet does not define (or a fleet that did not load) gets the default version's. */
async function treeValidators(kubernetesVersions: ReadonlyMap<string, string>): Promise<(cluster: string) => ObjectValidator> {
  const [ofCluster, fallback] = await Promise.all([clusterSchemaValidators(kubernetesVersions), createSchemaValidator()]);
  return (cluster) => (kubernetesVersions.has(cluster) ? ofCluster(cluster) : fallback);
}

/** The tree's directory relative to the repository root, against which Flux paths (`./clusters/<name>/…`) resolve; its own name when it is elsewhere. */
function treePrefix(treeDir: string): string {
  const inRepo = relative(repoRoot, treeDir);
  return inRepo && !inRepo.startsWith("..") ? inRepo.split(sep).join("/") : basename(treeDir);
}


/** Flux's controllers with identities, for the clusters whose Flux synth patches (flux bootstrap). */
function fluxControllerExpectations(fleet: { clusters: LoadedCluster[]; plans: ReadonlyMap<string, ClusterIdentityPlan>; outputs: ReadonlyMap<string, IdentityOutputs> }): Map<string, FluxControllerAccount[]> {
  const expected = new Map<string, FluxControllerAccount[]>();
  for (const { spec } of fleet.clusters) {
    const plan = fleet.plans.get(spec.name);
    const outputs = fleet.outputs.get(spec.name);
    if (spec.flux.bootstrap !== "flux-cli" || plan === undefined || outputs === undefined) continue;
    expected.set(spec.name, fluxControllerAccounts(spec, plan, outputs));
  }
  return expected;
}
