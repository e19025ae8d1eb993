import { generatedHeader } from "./header.js";
import { describeObject, fileNameFor, isKubeObject, objectKey, type KubeObject } from "./object-ref.js";
import { toYaml } from "./serialize.js";

/** What one cluster renders: its objects, each placed in a directory of the cluster's tree. */
export interface ClusterDocuments {
  /** Cluster name; its files go under `<name>/`. */
  cluster: string;
  /** Where the cluster is defined, named in every file header and message. */
  source: string;
  /** Every directory that gets a kustomization.yaml ("" is the cluster root), even when empty. */
  dirs: string[];
  /**
   * The objects, each with the directory (relative to the cluster root) it is written to and,
   * when known, the setting of the cluster file it comes from (like `nodePools[0]` or
   * `platforms.flyte`), which problems with the object name.
   */
  documents: { dir: string; object: unknown; origin?: string }[];
  /** Entries flotilla did not write but a directory's kustomization.yaml must list (Flux's `flux-system`). */
  extraResources?: Record<string, string[]>;
  /**
   * Files placed byte for byte after the header (SOPS-encrypted Secrets, which must not be
   * re-serialized): named `<kind>_<namespace>_<name>.sops.yaml`, listed in their directory's
   * kustomization.yaml; the object they hold is validated in its decrypted shape.
   */
  verbatim?: VerbatimFile[];
  /**
   * kustomize Components (`kind: Component`) written as `<dir>/kustomization.yaml`: included by a
   * kustomization flotilla does not write (Flux's `flux-system/`), never listed as a resource nor
   * applied by a Flux Kustomization of the cluster. `dir` must not be one of `dirs`.
   */
  components?: { dir: string; content: { apiVersion: string; kind: "Component" } }[];
}

/** A file whose bytes flotilla copies instead of rendering. */
export interface VerbatimFile {
  /** Directory (relative to the cluster root); must be one of the cluster's `dirs`. */
  dir: string;
  /** The object the file holds, in the shape its schema sees once Flux decrypts it (ciphertexts as placeholders, no `sops` block). */
  object: KubeObject;
  /** Where the bytes come from, named in the file's header. */
  source: string;
  /** The exact content; must be SOPS-encrypted (have a top-level `sops:` block). */
  content: string;
}

export interface RenderProblem {
  cluster: string;
  /** Path of the file relative to the output root. */
  file: string;
  /** `Kind namespace/name`, or "" when the problem is not about one object. */
  object: string;
  /** JSON path inside the object, or "". */
  path: string;
  message: string;
  /** The setting of the cluster file the object comes from (its document's `origin`), when known. */
  origin?: string;
  /** The file to fix when it is not the cluster file: the source of a file placed byte for byte. */
  source?: string;
}

export interface SchemaValidator {
  validate(object: unknown): { path: string; message: string }[];
}

export interface PlannedTree {
  /** Output-root-relative POSIX path → file content. */
  files: Map<string, string>;
  problems: RenderProblem[];
}

/** The commands the headers and messages name, as the CLI spells them. */
export interface PlanCommands {
  /** Renders the tree again (each file's header says so). */
  synth: string;
  /** Encrypts a Secret. */
  secretSet: string;
}

/**
 * Turns clusters' objects into the exact files to write, and every reason not to write them.
 * `validator` checks every cluster's objects, or is a cluster's own (its Kubernetes version and
 * CRDs) by cluster name. `serialize` renders an object's YAML: `toYaml`, or a memo of it.
 */
export function planTree(
  clusters: ClusterDocuments[],
  validator: SchemaValidator | ((cluster: string) => SchemaValidator),
  serialize: (object: KubeObject) => string = toYaml,
  commands: PlanCommands = { synth: "synth", secretSet: "secret set" },
): PlannedTree {
  const files = new Map<string, string>();
  const problems: RenderProblem[] = [];
  for (const cluster of [...clusters].sort((a, b) => (a.cluster < b.cluster ? -1 : 1))) {
    planCluster(cluster, typeof validator === "function" ? validator(cluster.cluster) : validator, serialize, commands, files, problems);
  }
  return { files, problems };
}

function planCluster(
  cluster: ClusterDocuments,
  validator: SchemaValidator,
  serialize: (object: KubeObject) => string,
  commands: PlanCommands,
  files: Map<string, string>,
  problems: RenderProblem[],
): void {
  const header = generatedHeader(cluster.source, commands.synth);
  const listed = new Map<string, string[]>(cluster.dirs.map((dir) => [dir, [...(cluster.extraResources?.[dir] ?? [])]]));
  const owners = new Map<string, string>();
  const report = (file: string, object: string, path: string, message: string, origin?: string) =>
    problems.push({ cluster: cluster.cluster, file, object, path, message, ...(origin === undefined ? {} : { origin }) });

  for (const { dir, object, origin } of cluster.documents) {
    const entries = listed.get(dir);
    if (!isKubeObject(object)) {
      report(join(cluster.cluster, dir), "", "", "an object without apiVersion, kind and metadata.name");
      continue;
    }
    const fileName = fileNameFor(object);
    const file = join(cluster.cluster, dir, fileName);
    const described = describeObject(object);
    if (!entries) {
      report(file, described, "", `directory "${dir}" is not one of the cluster's Flux Kustomization paths`);
      continue;
    }
    const key = objectKey(object);
    const owner = owners.get(key);
    if (owner !== undefined) {
      report(file, described, "", `defined twice (also in ${owner}); every object must be applied by exactly one Flux Kustomization`, origin);
      continue;
    }
    owners.set(key, file);
    if (files.has(file)) {
      report(file, described, "", "another object renders to the same file name");
      continue;
    }
    if (isPlaintextSecret(object)) {
      report(file, described, "", "plaintext Secret refused: flotilla never writes unencrypted Secrets; store it SOPS-encrypted instead");
      continue;
    }
    for (const problem of validator.validate(object)) report(file, described, problem.path, problem.message, origin);
    files.set(file, header + serialize(object));
    entries.push(fileName);
  }

  for (const file of cluster.verbatim ?? []) {
    const fileName = fileNameFor(file.object).replace(/\.yaml$/, ".sops.yaml");
    const path = join(cluster.cluster, file.dir, fileName);
    const described = describeObject(file.object);
    const entries = listed.get(file.dir);
    if (!entries) {
      report(path, described, "", `directory "${file.dir}" is not one of the cluster's Flux Kustomization paths`);
      continue;
    }
    const key = objectKey(file.object);
    const owner = owners.get(key);
    if (owner !== undefined) {
      report(path, described, "", `defined twice (also in ${owner}); every object must be applied by exactly one Flux Kustomization`);
      continue;
    }
    owners.set(key, path);
    if (!/^sops:[ \t]*$/m.test(file.content) || !file.content.endsWith("\n")) {
      report(path, described, "", `${file.source} is not SOPS-encrypted: refused; encrypt it with \`${commands.secretSet}\``);
      continue;
    }
    for (const problem of validator.validate(file.object)) {
      problems.push({ cluster: cluster.cluster, file: path, object: described, path: problem.path, message: problem.message, source: file.source });
    }
    files.set(path, generatedHeader(file.source, commands.synth) + file.content);
    entries.push(fileName);
  }

  for (const component of cluster.components ?? []) {
    const file = join(cluster.cluster, component.dir, "kustomization.yaml");
    if (listed.has(component.dir) || files.has(file) || component.dir === "") {
      report(file, "", "", `component directory "${component.dir}" is also a Flux Kustomization path; give the component a directory of its own`);
      continue;
    }
    files.set(file, header + toYaml(component.content as unknown as KubeObject));
  }

  for (const [dir, entries] of listed) {
    files.set(join(cluster.cluster, dir, "kustomization.yaml"), header + kustomizationYaml(entries));
  }
}

function isPlaintextSecret(object: KubeObject): boolean {
  return object.apiVersion === "v1" && object.kind === "Secret";
}

function kustomizationYaml(resources: string[]): string {
  return toYaml({
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    resources: [...resources].sort(),
  } as unknown as KubeObject);
}

function join(...parts: string[]): string {
  return parts.filter(Boolean).join("/");
}
