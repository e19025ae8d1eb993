import type { ObjectValidator } from "@flotilla/render";
import { decryptedShape } from "@flotilla/sops";
import type { Manifest } from "../manifests/manifest.js";
import { isSopsEncrypted } from "../manifests/sops.js";
import { objectProblem } from "./problem.js";
import type { TreeView, ValidationProblem } from "./types.js";

/**
 * Tree files whose objects earlier runs found valid, by file content and the validator that judged
 * them: which objects of a file are checked, and in what shape, follows from its content alone.
 */
export interface SchemaValidity {
  /** Names the validator a cluster's objects are held to (its Kubernetes version): a content valid under a scope is valid for every cluster of it. */
  scopeOf(cluster: string): string;
  isValid(content: string, scope: string): boolean;
  markValid(content: string, scope: string): void;
}

/**
 * Every object flotilla wrote (generated files) and every SOPS-encrypted object against its real
 * schema, strictly, as synth checks them. Encrypted objects are checked in their decrypted shape
 * (see decryptedShape), each by its cluster's validator (Kubernetes version, CRDs) when `validator`
 * is one per cluster. Flux's own files from `flux bootstrap` (flux-system/) are Flux's: they are
 * built and counted, not schema-checked. A file `validity` knows as valid is not checked again;
 * one whose objects pass is recorded.
 */
export function checkSchemas(tree: TreeView, validator: ObjectValidator | ((cluster: string) => ObjectValidator), validity?: SchemaValidity): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const validatorOf = typeof validator === "function" ? validator : () => validator;
  const checked = new Map<string, Manifest[]>();
  for (const manifest of tree.manifests) {
    if (!manifest.generated && !isSopsEncrypted(manifest.object)) continue;
    checked.set(manifest.file, [...(checked.get(manifest.file) ?? []), manifest]);
  }
  for (const [file, manifests] of checked) {
    const content = tree.files.get(file);
    const scope = validity && content !== undefined ? validity.scopeOf(manifests[0]!.cluster) : undefined;
    if (scope !== undefined && validity!.isValid(content!, scope)) continue;
    const before = problems.length;
    for (const manifest of manifests) {
      const object = isSopsEncrypted(manifest.object) ? decryptedShape(manifest.object) : manifest.object;
      for (const problem of validatorOf(manifest.cluster).validate(object)) problems.push(objectProblem("schema", manifest, problem.path, problem.message));
    }
    if (scope !== undefined && problems.length === before) validity!.markValid(content!, scope);
  }
  return problems;
}
