import { isEncryptedValue, isSopsEncrypted } from "../manifests/sops.js";
import { jsonPathKey } from "@flotilla/render";
import { objectProblem } from "./problem.js";
import type { TreeView, ValidationProblem } from "./types.js";

const FIX = "encrypt it with SOPS (the cluster's .sops.yaml rules) and commit only the encrypted file";

/** No Secret in clear text: every Secret has a `sops` block, and its data/stringData values are ciphertext. */
export function checkSecrets(tree: TreeView): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const manifest of tree.manifests) {
    if (manifest.object.kind !== "Secret" || manifest.object.apiVersion !== "v1") continue;
    if (!isSopsEncrypted(manifest.object)) {
      problems.push(objectProblem("secrets", manifest, "", `plaintext Secret: it has no sops block; ${FIX}`));
      continue;
    }
    for (const field of ["data", "stringData"]) {
      const values = manifest.object[field];
      if (values === null || typeof values !== "object") continue;
      for (const [key, value] of Object.entries(values)) {
        if (!isEncryptedValue(value)) {
          problems.push(objectProblem("secrets", manifest, `.${field}${jsonPathKey(key)}`, `value in clear text in a SOPS file (not ENC[...]); ${FIX}`));
        }
      }
    }
  }
  return problems;
}
