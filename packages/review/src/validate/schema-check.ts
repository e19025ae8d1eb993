import type { ObjectValidator } from "@flotilla/render";
import { decryptedShape } from "@flotilla/sops";
import { isSopsEncrypted } from "../manifests/sops.js";
import { objectProblem } from "./problem.js";
import type { TreeView, ValidationProblem } from "./types.js";

/**
 * Every object flotilla wrote (generated files) and every SOPS-encrypted object against its real
 * schema, strictly, as synth checks them. Encrypted objects are checked in their decrypted shape
 * (see decryptedShape), each by its cluster's validator (Kubernetes version, CRDs) when `validator`
 * is one per cluster. Flux's own files from `flux bootstrap` (flux-system/) are Flux's: they are
 * built and counted, not schema-checked.
 */
export function checkSchemas(tree: TreeView, validator: ObjectValidator | ((cluster: string) => ObjectValidator)): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const validatorOf = typeof validator === "function" ? validator : () => validator;
  for (const manifest of tree.manifests) {
    const encrypted = isSopsEncrypted(manifest.object);
    if (!manifest.generated && !encrypted) continue;
    const object = encrypted ? decryptedShape(manifest.object) : manifest.object;
    for (const problem of validatorOf(manifest.cluster).validate(object)) problems.push(objectProblem("schema", manifest, problem.path, problem.message));
  }
  return problems;
}
