import { join, resolve } from "node:path";
import { collectClusterNames, DEFAULT_KUBERNETES_VERSION } from "@flotilla/fleet";
import { Command, InvalidArgumentError, Option } from "commander";
import { addRenderedChanges, checkKustomizationFiles, DEFAULT_BASE_REFS, formatProblem, DiffInputError, diffTrees, formatJson, formatMarkdown, formatText, GITHUB_COMMENT_LIMIT, GitError, loadDiffInput } from "@flotilla/review";
import { archiveRegistry, checkTools, renderClusterReleases } from "@flotilla/helm";
import { COMMAND_HINTS } from "./cli/command-hints.js";
import { EXIT } from "./cli/exit-codes.js";
import { recordedKubernetesVersion } from "./helm/recorded-kubernetes-version.js";
import { archivesAt } from "./helm/side-archives.js";
import { vendoredChartDirs } from "./review/chart-dirs.js";
import { filesWithin, selectTreeClusters } from "./review/cluster-scope.js";
import { displayPath, repoRoot } from "./repo-paths.js";
import { DEFAULT_CACHE_DIR } from "./cache-dir.js";
import { writeOutput } from "./review/write-output.js";

interface DiffCliOptions {
  cluster?: string[];
  base?: string;
  head?: string;
  mergeBase: boolean;
  format: "text" | "markdown" | "json";
  color?: boolean;
  tree: string;
  maxChars: number;
  output?: string;
  exitCode?: boolean;
  render: boolean;
  cacheDir: string;
}

/** `flotilla diff`: its action reports the exit code to `done`. */
export function diffCommand(done: (code: number) => void): Command {
  return new Command("diff")
    .description(
      "What a change does to the rendered manifests: clusters/ at the base ref against the working tree (or --head), " +
        "grouped by cluster, Flux Kustomization and object, with field-level changes. Run `pnpm synth` first: the working tree side is clusters/ as it is on disk.",
    )
    .option("--base <ref>", `base commit, branch or tag (default: the first of ${DEFAULT_BASE_REFS.join(", ")} that exists)`)
    .option("--head <ref>", "compare with this ref instead of the working tree")
    .option("--cluster <name>", "only this cluster (repeatable, or a comma-separated list; a cluster of either side); default: every cluster", collectClusterNames)
    .option("--no-merge-base", "compare with the base's tip instead of its merge base with the head (the merge base is what a pull request shows)")
    .addOption(new Option("--format <format>", "text (terminal), markdown (pull-request comment) or json").choices(["text", "markdown", "json"]).default("text"))
    .option("--color", "colour the text output (default: when stdout is a terminal and NO_COLOR is not set)")
    .option("--no-color", "never colour the text output")
    .option("--tree <dir>", "the rendered tree", join(repoRoot, "clusters"))
    .option("--max-chars <n>", `size budget of the markdown output (at most ${GITHUB_COMMENT_LIMIT})`, parseMaxChars, 60_000)
    .option("--output <file>", "write the report to a file instead of stdout")
    .option("--no-render", "do not render changed HelmReleases (their rendered objects are left out)")
    .option("--cache-dir <dir>", "where the pinned helm/kubectl and the Helm render cache are kept", DEFAULT_CACHE_DIR)
    .option("--exit-code", "exit 1 when the rendered manifests changed (as `git diff --exit-code`)")
    .action(async (options: DiffCliOptions) => done(await run(options)));
}

function parseMaxChars(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 4_000 || n > GITHUB_COMMENT_LIMIT) throw new InvalidArgumentError(`expected an integer from 4000 to ${GITHUB_COMMENT_LIMIT}`);
  return n;
}

async function run(options: DiffCliOptions): Promise<number> {
  let input;
  try {
    input = await loadDiffInput({
      treeDir: resolve(options.tree),
      ...(options.base === undefined ? {} : { base: options.base }),
      ...(options.head === undefined ? {} : { head: options.head }),
      mergeBase: options.mergeBase,
    });
  } catch (error) {
    if (error instanceof DiffInputError || error instanceof GitError) {
      console.error(`diff: ${error.message}`);
      return EXIT.usage;
    }
    throw error;
  }
  if (options.cluster?.length) {
    const selection = selectTreeClusters([input.base.files.keys(), input.head.files.keys()], options.cluster);
    if (!selection.ok) {
      console.error(`diff: ${selection.message}`);
      return EXIT.usage;
    }
    input = {
      ...input,
      base: { ...input.base, files: filesWithin(input.base.files, selection.names) },
      head: { ...input.head, files: filesWithin(input.head.files, selection.names) },
    };
  }
  const report = diffTrees(input);
  if (options.render && report.clusters.some((cluster) => cluster.groups.some((group) => group.objects.some((object) => object.kind === "HelmRelease")))) {
    const cacheDir = resolve(options.cacheDir);
    const { tools, problems } = await checkTools(["helm", "kubectl"], { cacheDir });
    if (problems.length > 0) {
      for (const problem of problems) console.error(`diff: ${problem}`);
      return EXIT.usage;
    }
    const dirs = await vendoredChartDirs(repoRoot);
    const archives = {
      base: archiveRegistry(archivesAt(resolve(options.tree), input.base.side.commit, dirs, displayPath)),
      head: archiveRegistry(archivesAt(resolve(options.tree), input.head.side.commit, dirs, displayPath)),
    };
    const { DiskRenderCache } = await import("./helm/disk-render-cache.js");
    const { baseApiVersionsFor } = await import("./helm/fleet-renders.js");
    const cache = new DiskRenderCache(cacheDir);
    // Each side for the Kubernetes version its tree records (a side from before flotilla recorded
    // it: the other side's, else the default).
    await addRenderedChanges(report, input, (side, _cluster, objects, otherSide) => {
      const kubeVersion = recordedKubernetesVersion(objects) ?? recordedKubernetesVersion(otherSide) ?? DEFAULT_KUBERNETES_VERSION;
      return renderClusterReleases(objects, { archives: archives[side], kubeVersion, baseApiVersions: baseApiVersionsFor(objects, kubeVersion), helm: tools.helm!, kubectl: tools.kubectl!, cache });
    });
  }
  for (const note of report.notes) console.error(`diff: left out ${note}`);
  const color = options.color ?? (process.stdout.isTTY === true && options.output === undefined && !process.env.NO_COLOR);
  const text =
    options.format === "json"
      ? formatJson(report)
      : options.format === "markdown"
        ? formatMarkdown(report, { maxChars: options.maxChars, fullDiffCommand: `${COMMAND_HINTS.diff} --base ${input.base.side.commit?.slice(0, 12) ?? options.base ?? "main"}` })
        : formatText(report, { color });
  await writeOutput(text, options.output);
  // What the change makes Flux's kustomize load must be in the diff: nothing remote, no generators or plugins.
  const refused = checkKustomizationFiles({ files: input.head.files, treePrefix: input.treePrefix, commands: COMMAND_HINTS }).problems;
  for (const problem of refused) console.error(`diff: ${formatProblem(problem, input.treePrefix)}`);
  if (refused.length > 0) return EXIT.findings;
  return options.exitCode === true && report.clusters.length > 0 ? EXIT.findings : EXIT.ok;
}

