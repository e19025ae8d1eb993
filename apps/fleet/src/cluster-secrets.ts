import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type FleetProblem, type LoadedCluster, secretNamespaces, secretPathSegments, type SecretRef } from "@flotilla/fleet";
import { inspectEncryptedSecret, type SecretFileInfo } from "@flotilla/sops";
import { readDirIfExists } from "./read-if-exists.js";
import { recipientMismatch } from "./recipients.js";

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
 * Reads and checks every cluster's encrypted Secrets without decrypting them: each file must be
 * a SOPS-encrypted Secret (see `inspectEncryptedSecret`) whose name and namespace match its path,
 * in a namespace the cluster renders, encrypted for exactly the cluster's recipients (a file
 * encrypted for another cluster's recipients is named as such); every Secret the spec lists in
 * `secrets` must exist with its keys. Anything else in the directory (a plaintext file, a
 * directory of a cluster not in the fleet) is a problem too. Only the secrets of `clusters` are
 * read; `fleet` (every cluster that loaded, when `clusters` is a `--cluster` selection) decides
 * which directories belong to a cluster and whose recipients a misplaced file has; `rejected`
 * names clusters of the fleet whose files have problems (their secrets are not checked, nor
 * reported as foreign).
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

  for (const { file: clusterFile, spec } of clusters) {
    const files: ClusterSecretFile[] = [];
    result.files.set(spec.name, files);
    const clusterDir = join(location.dir, spec.name);
    const namespaces = new Set(secretNamespaces(spec));
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
        const inspected = inspectEncryptedSecret(content);
        if (!inspected.ok) {
          for (const problem of inspected.problems) report(path, problem.message, problem.path);
          continue;
        }
        const info = inspected.info;
        const before = result.problems.length;
        if (info.name !== name) report(path, `the Secret is named "${info.name}" but its file says "${name}"; rename the file to ${info.name}.sops.yaml`, "metadata.name");
        if (info.namespace !== namespace) {
          report(path, `the Secret's namespace is ${info.namespace === undefined ? "not set" : `"${info.namespace}"`} but it is in the directory "${namespace}"`, "metadata.namespace");
        }
        if (!namespaces.has(namespace)) {
          report(path, `namespace "${namespace}" is not rendered by cluster ${spec.name}; add { name: "${namespace}" } to namespaces in ${clusterFile}`);
        }
        if (spec.sops === undefined) {
          report(path, `cluster ${spec.name} has no sops recipients; set sops: { age: [...] } and/or { azureKeyVault: {...} } in ${clusterFile}`, "sops");
        } else {
          const { missing, extra } = recipientMismatch(info.metadata, spec);
          if (missing.length > 0 || extra.length > 0) {
            const owners = fleet.filter((other) => other.spec.name !== spec.name && other.spec.sops !== undefined).filter((other) => {
              const theirs = recipientMismatch(info.metadata, other.spec);
              return theirs.missing.length === 0 && theirs.extra.length === 0;
            });
            const whose = owners.length > 0 ? `it is encrypted for the recipients of cluster ${owners.map((o) => o.spec.name).join(", ")}, not ${spec.name}` : `it is not encrypted for exactly cluster ${spec.name}'s recipients`;
            const detail = [missing.length > 0 ? `missing ${missing.join(", ")}` : "", extra.length > 0 ? `not a recipient of ${spec.name}: ${extra.join(", ")}` : ""].filter(Boolean).join("; ");
            report(path, `${whose} (${detail}); re-encrypt it with \`pnpm secret updatekeys ${spec.name}\` (or \`pnpm secret set ${spec.name} ${namespace}/${name} …\`)`, "sops");
          }
        }
        if (result.problems.length === before) files.push({ namespace, name, source: location.displayName(path), content, info });
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
