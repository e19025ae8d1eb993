import { COMMAND_NAMES } from "@flotilla/fleet";
import { checkSecretFile, type SopsRecipientsSpec } from "@flotilla/sops";
import { withoutGeneratedHeader } from "@flotilla/render";
import { isManifestFile } from "../manifests/manifest.js";
import { isSopsEncrypted } from "../manifests/sops.js";
import { objectProblem } from "./problem.js";
import type { TreeView, ValidationProblem } from "./types.js";

/** What the fleet says about each cluster's Secrets, by cluster name. */
export type SecretExpectations = ReadonlyMap<string, { clusterFile: string; sops: SopsRecipientsSpec | undefined; namespaces: readonly string[] }>;

const PLACED_FILE = /^secret_([^_/]+)_([^_/]+)\.sops\.yaml$/;

/**
 * No Secret in clear text, and every encrypted Secret as synth places it: each `.sops.yaml` file
 * of the tree, without its header, follows the rules synth checks before placing a file
 * (checkSecretFile: one document, a SOPS-encrypted Secret named after its file, well-formed
 * ciphertext, no empty values, BOMs or merge keys and, with the fleet, the cluster's recipients and
 * namespaces). An encrypted Secret anywhere else is not one synth placed.
 */
export function checkSecrets(tree: TreeView, expectations?: SecretExpectations): ValidationProblem[] {
  const commands = tree.commands ?? COMMAND_NAMES;
  const plaintextFix = `store it with \`${commands.secretSet}\` (encrypted) and run \`${commands.synth}\`; commit only the encrypted file`;
  const problems: ValidationProblem[] = [];
  for (const [file, content] of tree.files) {
    if (!isManifestFile(file) || !file.endsWith(".sops.yaml")) continue;
    const cluster = file.slice(0, file.indexOf("/"));
    const baseName = file.slice(file.lastIndexOf("/") + 1);
    const placed = PLACED_FILE.exec(baseName);
    if (!placed) {
      problems.push({ check: "secrets", file, object: "", path: "", message: `not a file synth places: encrypted Secrets are secret_<namespace>_<name>.sops.yaml; ${plaintextFix}` });
      continue;
    }
    const [, namespace, name] = placed as unknown as [string, string, string];
    const fleet = expectations?.get(cluster);
    const others = [...(expectations ?? new Map())].filter(([other]) => other !== cluster).map(([other, expected]) => ({ cluster: other, sops: expected.sops }));
    const checked = checkSecretFile(withoutGeneratedHeader(content), {
      cluster,
      namespace,
      name,
      ...(fleet === undefined ? {} : { fleet: { ...fleet, others } }),
    }, commands);
    if (checked.ok) continue;
    for (const problem of checked.problems) {
      problems.push({ check: "secrets", file, object: `Secret ${namespace}/${name}`, path: problem.path === "" ? "" : `.${problem.path}`, message: problem.message });
    }
  }
  for (const manifest of tree.manifests) {
    if (manifest.object.kind !== "Secret" || manifest.object.apiVersion !== "v1" || manifest.file.endsWith(".sops.yaml")) continue;
    const message = isSopsEncrypted(manifest.object)
      ? `an encrypted Secret outside a secret_<namespace>_<name>.sops.yaml file is not one synth placed; ${plaintextFix}`
      : `plaintext Secret: it has no sops block; ${plaintextFix}`;
    problems.push(objectProblem("secrets", manifest, "", message));
  }
  return problems;
}
