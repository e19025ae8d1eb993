import { showString } from "../describe-value.js";

/** A Git repository URL in one of the forms Flux accepts, split into its parts. */
export interface GitRepositoryUrl {
  /** Where the repository is hosted. */
  readonly provider: "github" | "azure-devops";
  /** How Flux talks to the host: https (token or anonymous) or ssh (deploy key). */
  readonly protocol: "https" | "ssh";
  /** GitHub organisation/user, or Azure DevOps organisation. */
  readonly organization: string;
  /** Azure DevOps project; `undefined` for GitHub. */
  readonly project: string | undefined;
  /** Repository name, without a `.git` suffix. */
  readonly repository: string;
}

/** The URL forms accepted for `git.url`, as shown in messages. */
export const ACCEPTED_GIT_URL_FORMS: readonly string[] = [
  "https://github.com/<org>/<repo>[.git]",
  "ssh://git@github.com/<org>/<repo>[.git]",
  "https://dev.azure.com/<org>/<project>/_git/<repo>",
  "ssh://git@ssh.dev.azure.com/v3/<org>/<project>/<repo>",
];

const GH_NAME = "[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?";
const GH_REPO = "[A-Za-z0-9_.-]+?";
/** An Azure DevOps path segment: unreserved URL characters and %-escapes (spaces in project names). */
const ADO_SEGMENT = "(?:[A-Za-z0-9._~()-]|%[0-9A-Fa-f]{2})+";

const FORMS: ReadonlyArray<{ regex: RegExp; provider: GitRepositoryUrl["provider"]; protocol: GitRepositoryUrl["protocol"] }> = [
  { regex: new RegExp(`^https://github\\.com/(${GH_NAME})/(${GH_REPO})(?:\\.git)?$`), provider: "github", protocol: "https" },
  { regex: new RegExp(`^ssh://git@github\\.com/(${GH_NAME})/(${GH_REPO})(?:\\.git)?$`), provider: "github", protocol: "ssh" },
  {
    regex: new RegExp(`^https://(?:${ADO_SEGMENT}@)?dev\\.azure\\.com/(${ADO_SEGMENT})/(${ADO_SEGMENT})/_git/(${ADO_SEGMENT})$`),
    provider: "azure-devops",
    protocol: "https",
  },
  {
    regex: new RegExp(`^ssh://git@ssh\\.dev\\.azure\\.com/v3/(${ADO_SEGMENT})/(${ADO_SEGMENT})/(${ADO_SEGMENT})$`),
    provider: "azure-devops",
    protocol: "ssh",
  },
];

/**
 * Parses a Git URL in one of the {@link ACCEPTED_GIT_URL_FORMS}. Returns `undefined` for
 * anything else (use {@link checkGitUrl} for the reason).
 */
export function parseGitUrl(value: string): GitRepositoryUrl | undefined {
  for (const form of FORMS) {
    const match = form.regex.exec(value);
    if (match === null) continue;
    const parts = match.slice(1).filter((part): part is string => part !== undefined);
    if (parts.some((part) => part === "." || part === "..")) return undefined;
    const [organization = "", second = "", third] = parts;
    return third === undefined
      ? { provider: form.provider, protocol: form.protocol, organization, project: undefined, repository: second }
      : { provider: form.provider, protocol: form.protocol, organization, project: second, repository: third };
  }
  return undefined;
}

/** Rewrites scp-like `user@host:path` as `ssh://user@host/path`; `undefined` if not scp-like. */
function scpToSsh(value: string): string | undefined {
  const match = /^([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+):(?!\/\/)\/?(.+)$/.exec(value);
  if (match === null || value.includes("://")) return undefined;
  return `ssh://${match[1]}@${match[2]}/${match[3]}`;
}

/** A corrected URL for frequent near misses, or `undefined`. */
function nearMiss(value: string): string | undefined {
  if (value.startsWith("http://")) return `https://${value.slice("http://".length)}`;
  if (value.endsWith("/")) return value.replace(/\/+$/, "");
  const vs = /^https:\/\/(?:[^@/]+@)?([A-Za-z0-9-]+)\.visualstudio\.com\/(?:DefaultCollection\/)?([^/]+)\/_git\/([^/]+)$/.exec(value);
  if (vs !== null) return `https://dev.azure.com/${vs[1]}/${vs[2]}/_git/${vs[3]}`;
  const web = /^(https:\/\/github\.com\/[^/]+\/[^/]+)\/(?:tree|blob)\/.+$/.exec(value);
  if (web !== null) return web[1];
  return undefined;
}

/**
 * Checks `git.url`. Returns a message for URLs Flux cannot use (scp-like SSH addresses, embedded
 * passwords, unsupported hosts), suggesting the accepted spelling when one can be derived.
 */
export function checkGitUrl(value: string): string | undefined {
  if (parseGitUrl(value) !== undefined) return undefined;
  const shown = showString(value);
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(value)) {
    return `must not contain a password or token (got ${shown}); store credentials in the Secret named by git.secretRef`;
  }
  const ssh = scpToSsh(value);
  if (ssh !== undefined) {
    const usable = parseGitUrl(ssh) !== undefined;
    return usable
      ? `scp-like SSH addresses (user@host:path) are not supported by Flux, got ${shown}; use ${JSON.stringify(ssh)}`
      : `scp-like SSH addresses (user@host:path) are not supported by Flux, got ${shown}; expected one of: ${ACCEPTED_GIT_URL_FORMS.join(", ")}`;
  }
  const fixed = nearMiss(value);
  if (fixed !== undefined && parseGitUrl(fixed) !== undefined) {
    return `not an accepted Git URL form, got ${shown}; use ${JSON.stringify(fixed)}`;
  }
  return `expected one of: ${ACCEPTED_GIT_URL_FORMS.join(", ")}; got ${shown}`;
}
