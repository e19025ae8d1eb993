import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type FleetProblem, type LoadedCluster, secretPathSegments, type SecretRef } from "@flotilla/fleet";
import { checkSecretFile, type SecretFileInfo } from "@flotilla/sops";
import { COMMAND_HINTS } from "./cli/command-hints.js";
import { readDirIfExists } from "./read-if-exists.js";
import { secretExpectations } from "./secret-expectations.js";

/** Where the encrypted secrets are: `<dir>/<cluster>/<namespace>/<name>.sops.yaml`. */
export interface SecretsLocation {
  dir: string;
  /** How a path is shown to people (relative to the repository root). */
  displayName: (path: string) => string;
}

/** One encrypted Secret file of a cluster, checked and ready to be placed. */
export interface ClusterSecretFile {
  namespace: string;
  name: string;
  /** The path as shown to people; named in the placed file's header. */
  source: string;
  /** The file's bytes, copied as they are. */
  content: string;
  info: SecretFileInfo;
}

export interface ClusterSecrets {
  /** By cluster name (every cluster of the fleet has an entry). */
  files: Map<string, ClusterSecretFile[]>;
  problems: FleetProblem[];
}

async function entries(dir: string): Promise<{ name: string; isDirectory: boolean }[]> {
  return (await readDirIfExists(dir)).map((entry) => ({ name: entry.name, isDirectory: entry.isDirectory() }));
}

/**
 * The command that stores every given key: the first from standard input (a hidden prompt), the
 * others from files (never --from-literal, which leaves values in the shell history).
 */
function setCommand(cluster: string, namespace: string, name: string, keys: readonly string[]): string {
  const [first, ...rest] = keys.length > 0 ? keys : ["<key>"];
  const sources = [`--from-stdin ${first}`, ...rest.map((key) => `--from-file ${key}=<file>`)];
  return `pnpm secret set ${cluster} ${namespace}/${name} ${sources.join(" ")}`;
}

/** The Secret as problems name it: with the platform setting that reads it when the cluster file does not list it. */
function readBy(secret: SecretRef): string {
  return `Secret ${secret.namespace}/${secret.name}${secret.origin === undefined ? "" : ` (read by ${secret.origin.split(".").slice(0, 2).join(".")})`}`;
}

/**
 * Reads and checks every cluster's encrypted Secrets without decrypting them: each file must
 * follow the rules validate checks in the tree too (checkSecretFile: a SOPS-encrypted Secret
 * named after its path, in a namespace the cluster renders, encrypted for exactly the cluster's
 * recipients, …); every Secret the spec lists in `secrets` must exist with its keys. Anything
 * else in the directory (a plaintext file, a directory of a cluster not in the fleet) is a
 * problem too. Only the secrets of `clusters` are read; `fleet` (every cluster that loaded, when
 * `clusters` is a `--cluster` selection) decides which directories belong to a cluster and whose
 * recipients a misplaced file has; `rejected` names clusters of the fleet whose files have
 * problems (their secrets are not checked, nor reported as foreign).
 */
export async function readClusterSecrets(
  location: SecretsLocation,
  clusters: readonly LoadedCluster[],
  fleet: readonly LoadedCluster[] = clusters,
  rejected: readonly string[] = [],
): Promise<ClusterSecrets> {
  const result: ClusterSecrets = { files: new Map(), problems: [] };
  const byName = new Map(fleet.map((cluster) => [cluster.spec.name, cluster]));
  const inFleet = new Set([...byName.keys(), ...rejected]);
  const report = (path: string, message: string, field = "") => result.problems.push({ file: location.displayName(path), path: field, message });

  for (const top of await entries(location.dir)) {
    const path = join(location.dir, top.name);
    if (top.name === "README.md") continue;
    if (!top.isDirectory) report(path, `unexpected file: secrets live in ${location.displayName(join(location.dir, "<cluster>", "<namespace>", "<name>.sops.yaml"))}`);
    else if (!inFleet.has(top.name)) report(path, `secrets of cluster "${top.name}", which is not in the fleet (${[...inFleet].sort().join(", ") || "no clusters"}); move or delete them`);
  }

  const expected = secretExpectations(clusters);
  for (const { file: clusterFile, spec } of clusters) {
    const files: ClusterSecretFile[] = [];
    result.files.set(spec.name, files);
    const clusterDir = join(location.dir, spec.name);
    const others = fleet.filter((other) => other.spec.name !== spec.name).map((other) => ({ cluster: other.spec.name, sops: other.spec.sops }));
    for (const namespaceEntry of await entries(clusterDir)) {
      const namespaceDir = join(clusterDir, namespaceEntry.name);
      if (!namespaceEntry.isDirectory) {
        report(namespaceDir, "unexpected file: put each Secret in <namespace>/<name>.sops.yaml");
        continue;
      }
      for (const fileEntry of await entries(namespaceDir)) {
        const path = join(namespaceDir, fileEntry.name);
        const match = /^(.+)\.sops\.yaml$/.exec(fileEntry.name);
        if (fileEntry.isDirectory || !match) {
          report(path, "not an encrypted Secret (<name>.sops.yaml): never commit plaintext secrets; encrypt it with `pnpm secret set` and delete this file");
          continue;
        }
        const namespace = namespaceEntry.name;
        const name = match[1]!;
        const content = await readFile(path, "utf8");
        const checked = checkSecretFile(content, { cluster: spec.name, namespace, name, fleet: { ...expected.get(spec.name)!, others } }, COMMAND_HINTS);
        if (!checked.ok) {
          for (const problem of checked.problems) report(path, problem.message, problem.path);
          continue;
        }
        files.push({ namespace, name, source: location.displayName(path), content, info: checked.info });
      }
    }
    spec.secrets.forEach((secret, i) => {
      const path = join(location.dir, ...secretPathSegments(spec.name, secret.namespace, secret.name));
      const found = files.find((file) => file.namespace === secret.namespace && file.name === secret.name);
      if (found === undefined) {
        const exists = result.problems.some((problem) => problem.file === location.displayName(path));
        if (!exists) {
          result.problems.push({
            file: clusterFile,
            path: secret.origin ?? `secrets[${i}]`,
            message: `${readBy(secret)} is required but ${location.displayName(path)} does not exist; create it with \`${setCommand(spec.name, secret.namespace, secret.name, secret.keys)}\``,
          });
        }
        return;
      }
      const keys = new Set(found.info.dataKeys);
      const absent = secret.keys.filter((key) => !keys.has(key));
      if (absent.length > 0) {
        result.problems.push({
          file: clusterFile,
          path: secret.origin ?? `secrets[${i}].keys`,
          message: `${readBy(secret)} has no key ${absent.map((key) => JSON.stringify(key)).join(", ")} (it has ${[...keys].map((key) => JSON.stringify(key)).join(", ") || "none"}); add ${absent.length > 1 ? "them" : "it"} (the other keys are kept) with \`${setCommand(spec.name, secret.namespace, secret.name, absent)}\``,
        });
      }
    });
  }
  return result;
}
