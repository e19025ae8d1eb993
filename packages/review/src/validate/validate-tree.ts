import type { ObjectValidator } from "@flotilla/render";
import { type Manifest, parseManifests, type YamlDocumentsOf } from "../manifests/manifest.js";
import { clusterNames, type TreeFiles } from "../tree/tree-files.js";
import { checkChartValues } from "./chart-values-check.js";
import { ChartValuesRegistry } from "./chart-values.js";
import { checkDependsOn } from "./depends-on-check.js";
import type { IdentityExpectations } from "./identities-check.js";
import { checkImageValues, type ExpectedImageValue } from "./image-values-check.js";
import { kubectlKustomize, type KustomizeBuild } from "./kustomize-build.js";
import { checkKustomizations } from "./kustomize-check.js";
import { checkKustomizationFiles } from "./kustomization-files-check.js";
import { checkSchemas, type SchemaValidity } from "./schema-check.js";
import { checkSecrets, type SecretExpectations } from "./secrets-check.js";
import { checkSources } from "./sources-check.js";
import type { ReviewCommands, TreeView, ValidationProblem } from "./types.js";

export interface ValidateOptions {
  /** The tree's files (readTreeFiles). */
  files: TreeFiles;
  /** Paths of the tree that are not regular files or directories (walkTree's `others`); default none. */
  others?: ReadonlySet<string>;
  /** Absolute path of the tree on disk: kustomize builds its directories. */
  treeDir: string;
  /** Repository-relative directory of the tree (`clusters`). */
  treePrefix: string;
  /** The schema validator synth uses (createValidator with the vendored CRDs), or each cluster's by name (its Kubernetes version). */
  validator: ObjectValidator | ((cluster: string) => ObjectValidator);
  /** The fleet's identity plan and outputs; without them the identity and fleet checks are skipped. */
  identities?: IdentityExpectations;
  /** By cluster, its recipients and Secret namespaces (from the fleet); without them encrypted Secrets are checked without the fleet. */
  secrets?: SecretExpectations;
  /** Chart values checkers; default none. */
  charts?: ChartValuesRegistry;
  /** By cluster, the values automated images must have (from images.yaml); default none checked. */
  images?: ReadonlyMap<string, readonly ExpectedImageValue[]>;
  /** default `kubectl kustomize` */
  build?: KustomizeBuild;
  /** kustomize builds at once; default 4. */
  concurrency?: number;
  /** The commands hints name, as the CLI spells them; default their flotilla names. */
  commands?: ReviewCommands;
  /** How the tree's YAML files become documents (a cache of yamlDocuments' results); default every file parsed. */
  documentsOf?: YamlDocumentsOf;
  /** Files earlier runs found valid, by content; default none (every object checked). */
  schemaValidity?: SchemaValidity;
  /** Called with the tree's objects as soon as they are parsed, before the checks and builds run (for work that needs only them). */
  onParsed?: (manifests: readonly Manifest[]) => void;
}

export interface ValidateResult {
  /** Sorted by file, object, path. */
  problems: ValidationProblem[];
  stats: { clusters: number; files: number; objects: number; builds: number };
  /** The tree's objects as parsed (the YAML of a large tree is parsed once per run). */
  manifests: readonly Manifest[];
}

/** Runs every check on the tree and returns every problem (none stops the others). */
export async function validateTree(options: ValidateOptions): Promise<ValidateResult> {
  const parsed = parseManifests(options.files, undefined, options.documentsOf);
  options.onParsed?.(parsed.manifests);
  const clusters = [...clusterNames(options.files)].sort();
  const tree: TreeView = { files: options.files, manifests: parsed.manifests, clusters, treePrefix: options.treePrefix, ...(options.commands ? { commands: options.commands } : {}) };
  // Loaded only when needed: @flotilla/workload-identity brings cdk8s, which diff has no use for.
  const identities = options.identities ? (await import("./identities-check.js")).checkIdentities(tree, options.identities) : [];
  // Nothing that could fetch or execute is ever handed to kustomize: such clusters are not built.
  const files = checkKustomizationFiles(tree, options.others ?? new Set(), options.documentsOf);
  const kustomize = await checkKustomizations(tree, {
    treeDir: options.treeDir,
    build: options.build ?? kubectlKustomize,
    concurrency: options.concurrency ?? 4,
    skip: files.unsafe,
  });
  const problems: ValidationProblem[] = [
    ...parsed.problems.map((problem) => ({ check: "yaml" as const, file: problem.file, object: "", path: problem.path, message: problem.message })),
    ...checkSchemas(tree, options.validator, options.schemaValidity),
    ...files.problems,
    ...kustomize.problems,
    ...checkDependsOn(tree),
    ...checkSources(tree),
    ...identities,
    ...checkChartValues(tree, options.charts ?? new ChartValuesRegistry()),
    ...checkImageValues(tree, options.images ?? new Map()),
    ...checkSecrets(tree, options.secrets),
  ];
  const key = (problem: ValidationProblem) => `${problem.file}\n${problem.object}\n${problem.path}\n${problem.check}`;
  problems.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return { problems, manifests: parsed.manifests, stats: { clusters: clusters.length, files: options.files.size, objects: parsed.manifests.length, builds: kustomize.builds } };
}
