import type { ClusterSpec } from "./types.js";
import { defaultGitPath } from "./schema.js";
import { checkClusterName } from "./validators/dns-label.js";
import { checkGitPath } from "./validators/git-path.js";
import { checkIssuerUrl } from "./validators/issuer-url.js";

/**
 * The fields of a cluster that must be unique across the fleet. Each is `undefined` when the file
 * does not give a valid value (that problem is reported by the schema).
 */
export interface ClusterIdentity {
  /** The cluster file. */
  readonly file: string;
  /** `name`. */
  readonly name: string | undefined;
  /** `git.path`, or its default `clusters/<name>`. */
  readonly gitPath: string | undefined;
  /** Whether `gitPath` is the default `clusters/<name>` because `git.path` was not given. */
  readonly gitPathDefaulted: boolean;
  /** `azure.oidcIssuerUrl`, exactly as written. */
  readonly issuer: string | undefined;
}

function field(source: unknown, key: string): unknown {
  return typeof source === "object" && source !== null && !Array.isArray(source)
    ? (source as Record<string, unknown>)[key]
    : undefined;
}

function valid(value: unknown, check: (value: string) => string | undefined): string | undefined {
  return typeof value === "string" && check(value) === undefined ? value : undefined;
}

/**
 * Reads the identity of a cluster from its validated spec or, when the spec is invalid, from the
 * individually valid fields of the raw export, so that duplicates are reported even in files
 * that have other problems.
 */
export function clusterIdentity(file: string, spec: ClusterSpec | undefined, exported: unknown): ClusterIdentity {
  if (spec !== undefined) {
    const gitPathDefaulted = field(field(exported, "git"), "path") === undefined;
    return { file, name: spec.name, gitPath: spec.git.path, gitPathDefaulted, issuer: spec.azure.oidcIssuerUrl };
  }
  const name = valid(field(exported, "name"), checkClusterName);
  const git = field(exported, "git");
  const rawPath = field(git, "path");
  const gitPath =
    rawPath === undefined ? (name === undefined ? undefined : defaultGitPath(name)) : valid(rawPath, checkGitPath);
  const issuer = valid(field(field(exported, "azure"), "oidcIssuerUrl"), checkIssuerUrl);
  return { file, name, gitPath, gitPathDefaulted: rawPath === undefined, issuer };
}
