import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { isGenerated, isKubeObject, objectKey } from "@flotilla/render";
import type { TreeFiles } from "../tree/tree-files.js";

/** One document of a rendered file: a Kubernetes object and where it lives. */
export interface Manifest {
  /** Path relative to the tree root, e.g. `dev/infrastructure/namespace_analytics-dev.yaml`. */
  file: string;
  /** The cluster: the first directory of the path. */
  cluster: string;
  /** Directory relative to the cluster root ("" is the root). */
  dir: string;
  /** Index of the document in its file. */
  doc: number;
  object: Record<string, unknown>;
  /** The API server's identity of the object (group, kind, namespace, name; see objectKey). */
  key: string;
  /** The file carries flotilla's generated header. */
  generated: boolean;
}

/** A file that is not valid YAML, or a document that is no Kubernetes object. */
export interface ManifestProblem {
  file: string;
  path: string;
  message: string;
}

export interface ParsedManifests {
  manifests: Manifest[];
  problems: ManifestProblem[];
}

/** Files that hold Kubernetes objects: YAML inside a cluster directory. */
export function isManifestFile(path: string): boolean {
  return path.includes("/") && /\.ya?ml$/.test(path);
}

/** kustomize's own configuration (kustomization.yaml), not an object Flux applies. */
function isKustomizeConfig(object: Record<string, unknown>): boolean {
  return typeof object.apiVersion === "string" && object.apiVersion.startsWith("kustomize.config.k8s.io/");
}

/** One document of a YAML file as a JavaScript value, or the document's first syntax error. */
export type YamlDocument = { value: unknown } | { error: string };

/** How a file's YAML becomes documents: yamlDocuments, or a cache of its results. */
export type YamlDocumentsOf = (file: string, content: string) => YamlDocument[];

/**
 * Parses the YAML files of a tree (or the listed subset) into manifests; problems do not stop it.
 * `documentsOf` parses a file's YAML (default yamlDocuments).
 */
export function parseManifests(files: TreeFiles, only?: Iterable<string>, documentsOf: YamlDocumentsOf = yamlDocuments): ParsedManifests {
  const result: ParsedManifests = { manifests: [], problems: [] };
  for (const file of only ?? files.keys()) {
    const content = files.get(file);
    if (content === undefined || !isManifestFile(file)) continue;
    parseFile(file, content, documentsOf(file, content), result);
  }
  return result;
}

/** The documents of a YAML file (the yaml library's core schema); throws UnsafeYamlError for an alias bomb. */
export function yamlDocuments(file: string, content: string): YamlDocument[] {
  return parseAllDocuments(content).map((document) =>
    document.errors.length > 0
      ? { error: document.errors[0]!.message.split("\n")[0]! }
      : { value: toJsGuarded(file, () => document.toJS({ maxAliasCount: 100 }) as unknown) },
  );
}

/** The module that parses (what a cache of yamlDocuments' results depends on, besides the yaml library). */
export function manifestParserFile(): string {
  return fileURLToPath(import.meta.url);
}

function parseFile(file: string, content: string, documents: YamlDocument[], result: ParsedManifests): void {
  const slash = file.indexOf("/");
  const cluster = file.slice(0, slash);
  const dir = file.includes("/", slash + 1) ? file.slice(slash + 1, file.lastIndexOf("/")) : "";
  const generated = isGenerated(content);
  documents.forEach((document, doc) => {
    if ("error" in document) {
      result.problems.push({ file, path: "", message: `not valid YAML: ${document.error}` });
      return;
    }
    const object = document.value;
    if (object === null || object === undefined) return;
    if (typeof object !== "object" || Array.isArray(object)) {
      result.problems.push({ file, path: "", message: `document ${doc} is not a mapping (a Kubernetes object)` });
      return;
    }
    const record = object as Record<string, unknown>;
    if (isKustomizeConfig(record)) return;
    if (!isKubeObject(record)) {
      result.problems.push({ file, path: "", message: `document ${doc} is not a Kubernetes object: it needs apiVersion, kind and metadata.name` });
      return;
    }
    result.manifests.push({ file, cluster, dir, doc, object: record, key: objectKey(record), generated });
  });
}

/**
 * A tree file whose YAML aliases expand past the limit (an "alias bomb", "billion laughs"): no
 * check can read it without exhausting memory, so the whole run is refused (exit 2).
 */
export class UnsafeYamlError extends Error {
  constructor(readonly file: string) {
    super(`${file}: refused: its YAML aliases expand to more than 100 references each (an alias bomb, a resource exhaustion attack); flotilla never writes anchors or aliases: remove them, or render the tree again with synth`);
    this.name = "UnsafeYamlError";
  }
}

/** Runs a YAML-to-JS conversion, turning yaml's alias-count refusal into an UnsafeYamlError. */
export function toJsGuarded<T>(file: string, convert: () => T): T {
  try {
    return convert();
  } catch (error) {
    if (error instanceof ReferenceError && /alias/i.test(error.message)) throw new UnsafeYamlError(file);
    throw error;
  }
}
