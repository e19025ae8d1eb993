import { fileForCluster, splitClusterFile } from "./cluster-file.js";
import { showString } from "./describe-value.js";
import type { ClusterIdentity } from "./identity.js";
import type { FleetProblem } from "./problems.js";
import { checkClusterName } from "./validators/dns-label.js";
import { isSameOrInside } from "./validators/git-path.js";
import { issuerKey } from "./validators/issuer-url.js";

/** `clusters/<name>.ts` must define cluster `<name>`. */
export function fileNameProblems(identity: ClusterIdentity): FleetProblem[] {
  const { file, name } = identity;
  const { stem, extension } = splitClusterFile(file);
  if (name === undefined || stem === name) return [];
  const setName = checkClusterName(stem) === undefined ? ` or set name: ${JSON.stringify(stem)}` : "";
  return [
    {
      file,
      path: "name",
      message: `cluster name ${showString(name)} does not match the file name ${showString(stem + extension)}: rename the file to ${fileForCluster(file, name)}${setName}`,
    },
  ];
}

function listFiles(files: readonly string[]): string {
  return [...new Set(files)].sort().join(", ");
}

/** A problem on every file whose `key` equals another file's, naming the other file(s). */
function duplicateProblems(
  identities: readonly ClusterIdentity[],
  path: string,
  value: (identity: ClusterIdentity) => string | undefined,
  key: (value: string) => string,
  message: (value: string, others: string) => string,
): FleetProblem[] {
  const groups = new Map<string, ClusterIdentity[]>();
  for (const identity of identities) {
    const v = value(identity);
    if (v === undefined) continue;
    const group = groups.get(key(v)) ?? [];
    group.push(identity);
    groups.set(key(v), group);
  }
  const problems: FleetProblem[] = [];
  for (const group of groups.values()) {
    for (const identity of group) {
      const others = group.filter((other) => other.file !== identity.file).map((other) => other.file);
      const v = value(identity);
      if (others.length > 0 && v !== undefined) problems.push({ file: identity.file, path, message: message(v, listFiles(others)) });
    }
  }
  return problems;
}

/** Git paths that are equal or nested: Flux would apply one cluster's manifests to another. */
function gitPathProblems(identities: readonly ClusterIdentity[]): FleetProblem[] {
  const problems: FleetProblem[] = [];
  for (const identity of identities) {
    const mine = identity.gitPath;
    if (mine === undefined) continue;
    const same: string[] = [];
    for (const other of identities) {
      const theirs = other.gitPath;
      if (other.file === identity.file || theirs === undefined) continue;
      if (theirs === mine) {
        // Two files with the same name and default paths: the name problem already says it all.
        const sameName = identity.gitPathDefaulted && other.gitPathDefaulted && identity.name === other.name;
        if (!sameName) same.push(other.file);
      } else if (isSameOrInside(theirs, mine)) {
        problems.push({
          file: identity.file,
          path: "git.path",
          message: `git path ${showString(mine)} contains ${showString(theirs)}, the path of ${other.file}; Flux would apply that cluster's manifests to this one too: use separate directories`,
        });
      } else if (isSameOrInside(mine, theirs)) {
        problems.push({
          file: identity.file,
          path: "git.path",
          message: `git path ${showString(mine)} is inside ${showString(theirs)}, the path of ${other.file}; Flux would apply these manifests to that cluster too: use separate directories`,
        });
      }
    }
    if (same.length > 0) {
      problems.push({
        file: identity.file,
        path: "git.path",
        message: `git path ${showString(mine)} is also used by ${listFiles(same)}; each cluster needs its own directory`,
      });
    }
  }
  return problems;
}

/**
 * Checks across the fleet: file names match cluster names; names, git paths and OIDC issuers are
 * unique (git paths also must not be nested).
 */
export function fleetProblems(identities: readonly ClusterIdentity[]): FleetProblem[] {
  return [
    ...identities.flatMap(fileNameProblems),
    ...duplicateProblems(
      identities,
      "name",
      (identity) => identity.name,
      (name) => name,
      (name, others) => `cluster name ${showString(name)} is also used by ${others}; cluster names must be unique`,
    ),
    ...gitPathProblems(identities),
    ...duplicateProblems(
      identities,
      "azure.oidcIssuerUrl",
      (identity) => identity.issuer,
      issuerKey,
      (issuer, others) =>
        `OIDC issuer ${showString(issuer)} is also used by ${others}; each AKS cluster has its own issuer (az aks show --query oidcIssuerProfile.issuerUrl -o tsv)`,
    ),
  ];
}
