import { posix } from "node:path";
import { isMap, parseDocument } from "yaml";
import { isManifestFile, type YamlDocument, type YamlDocumentsOf } from "../manifests/manifest.js";
import { synthHint, type TreeView, type ValidationProblem } from "./types.js";

/** The file names kustomize reads as a directory's kustomization. */
const KUSTOMIZATION_FILES = new Set(["kustomization.yaml", "kustomization.yml", "Kustomization"]);

/**
 * The fields of a kustomization that flotilla writes (`resources`, a Component's `patches`) or
 * that Flux's bootstrap writes into `flux-system/` (`resources`, `components`, `patches`); every
 * one of them names only local files, which this check verifies. Everything else — generators,
 * transformers, validators, `helmCharts`, `openapi`, `crds`, `bases`, replacements — may run
 * plugins or fetch content, so a tree holding it is never built.
 */
const ALLOWED_FIELDS = new Set(["apiVersion", "kind", "metadata", "resources", "components", "patches"]);
const PATCH_FIELDS = new Set(["path", "patch", "target", "options"]);

/**
 * Refuses, before kustomize ever runs, any kustomization under the tree that could make it reach
 * the network or run a program: a field outside the allowed ones, a resource or component that is
 * not a file or directory of the same cluster in the tree (kustomize fetches what is not local: a
 * URL, `github.com/org/repo//dir?ref=…`, `git@…`), a patch file outside it, and anything in the tree
 * that is not a regular file or directory (a symlink leads kustomize out of it). Returns the
 * clusters that must not be built. `documentsOf` (a cache of yamlDocuments' results) reads the YAML files parseManifests has read.
 */
export function checkKustomizationFiles(
  tree: Pick<TreeView, "files" | "treePrefix" | "commands">,
  others: ReadonlySet<string> = new Set(),
  documentsOf?: YamlDocumentsOf,
): { problems: ValidationProblem[]; unsafe: Set<string> } {
  const problems: ValidationProblem[] = [];
  const report = (file: string, path: string, message: string) => problems.push({ check: "kustomize", file, object: "", path, message });
  const dirs = new Set<string>();
  for (const file of tree.files.keys()) for (let dir = posix.dirname(file); dir !== "."; dir = posix.dirname(dir)) dirs.add(dir);

  for (const path of [...others].sort()) {
    report(path, "", "not a regular file or directory (a symlink, a device, or larger than 16 MiB): flotilla never writes one, and kustomize would follow it out of the tree; remove it");
  }
  for (const [file, content] of tree.files) {
    if (!KUSTOMIZATION_FILES.has(posix.basename(file))) continue;
    const cluster = file.split("/")[0]!;
    const here = posix.dirname(file);
    const local = (entry: string, what: string, path: string, isDirOk: boolean) => {
      const problem = localEntryProblem(entry, here, cluster, tree, dirs, isDirOk);
      if (problem) report(file, path, `${what} ${JSON.stringify(entry)} ${problem}`);
    };
    // parseManifests read `kustomization.yaml` first (an alias bomb stopped the run there); `Kustomization` is read here.
    const kustomization = mappingOf(content, documentsOf && isManifestFile(file) ? documentsOf(file, content) : undefined);
    if (typeof kustomization === "string") {
      report(file, "", kustomization);
      continue;
    }
    for (const field of Object.keys(kustomization)) {
      if (!ALLOWED_FIELDS.has(field)) {
        report(file, `.${field}`, "refused: flotilla writes only resources, components and patches of local files; a field that can generate, transform, run plugins or fetch content is never built (validate and diff stay offline). Remove it, or render what it produces with synth");
      }
    }
    for (const [field, isDirOk] of [["resources", true], ["components", true]] as const) {
      const entries = kustomization[field];
      if (entries === undefined) continue;
      if (!Array.isArray(entries)) {
        report(file, `.${field}`, "must be a list of local paths");
        continue;
      }
      entries.forEach((entry, index) => {
        if (typeof entry !== "string") report(file, `.${field}[${index}]`, "must be a local path");
        else local(entry, field === "resources" ? "resource" : "component", `.${field}[${index}]`, isDirOk);
      });
    }
    const patches = kustomization.patches;
    if (patches !== undefined && !Array.isArray(patches)) report(file, ".patches", "must be a list");
    for (const [index, patch] of (Array.isArray(patches) ? patches : []).entries()) {
      if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
        report(file, `.patches[${index}]`, "must be a mapping with patch (inline) or path (a file of the tree)");
        continue;
      }
      for (const key of Object.keys(patch)) if (!PATCH_FIELDS.has(key)) report(file, `.patches[${index}].${key}`, "refused: not a field of a patch");
      const path = (patch as Record<string, unknown>).path;
      if (path !== undefined) {
        if (typeof path !== "string") report(file, `.patches[${index}].path`, "must be a local file");
        else local(path, "patch file", `.patches[${index}].path`, false);
      }
    }
  }
  const unsafe = new Set(problems.map((problem) => problem.file.split("/")[0]!));
  return { problems, unsafe };
}

/** Why `entry` (as written in `<here>/kustomization.yaml`) is not a file or kustomization directory of the cluster, or undefined. */
function localEntryProblem(entry: string, here: string, cluster: string, tree: Pick<TreeView, "files" | "treePrefix" | "commands">, dirs: Set<string>, isDirOk: boolean): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(entry) || entry.startsWith("git@") || entry.includes("?") || entry.includes("//")) {
    return "is remote: validate and diff never fetch; render what it holds into the tree with synth";
  }
  if (posix.isAbsolute(entry)) return "is an absolute path: kustomize would read outside the tree";
  const target = posix.normalize(posix.join(here, entry));
  if (target !== cluster && !target.startsWith(`${cluster}/`)) return `is outside ${tree.treePrefix}/${cluster}/: a cluster's kustomizations load only its own files`;
  if (tree.files.has(target)) return undefined;
  if (isDirOk && dirs.has(target)) {
    const hasKustomization = [...KUSTOMIZATION_FILES].some((name) => tree.files.has(`${target}/${name}`));
    return hasKustomization ? undefined : `is a directory without a kustomization.yaml`;
  }
  return `is neither a file nor a directory of the tree: kustomize would try it as a remote URL; fix the path or run \`${synthHint(tree)}\``;
}

const NOT_A_MAPPING = "not a YAML mapping; a kustomization flotilla can check holds apiVersion, kind and resources";

/**
 * The kustomization a file holds, or the problem: it must be one YAML document whose root is a
 * mapping. From `documents` when given (YAML gives a mapping root as a
 * plain object, or a Set for `!!set`; an ordered map `!!omap` is a sequence and comes back as a Map).
 */
function mappingOf(content: string, documents: readonly YamlDocument[] | undefined): Record<string, unknown> | string {
  if (documents !== undefined) {
    const [document] = documents;
    if (documents.length !== 1 || document === undefined || "error" in document || !isMappingValue(document.value)) return NOT_A_MAPPING;
    return document.value as Record<string, unknown>;
  }
  const document = parseDocument(content, { prettyErrors: false });
  if (document.errors.length > 0 || !isMap(document.contents)) return NOT_A_MAPPING;
  try {
    return document.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  } catch (error) {
    return `refused: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function isMappingValue(value: unknown): boolean {
  if (value instanceof Set) return true;
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
