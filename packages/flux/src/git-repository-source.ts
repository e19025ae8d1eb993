import { Construct } from "constructs";
import * as source from "./imports/source.js";
import { checkDuration, checkOneOf, checkName, resolveIdentity, type FluxResourceProps } from "./common.js";

/** Authentication provider of a GitRepository. */
export type GitRepositoryProvider = "generic" | "azure" | "github";

const GIT_PROVIDERS: Record<GitRepositoryProvider, source.GitRepositorySpecProvider> = {
  generic: source.GitRepositorySpecProvider.GENERIC,
  azure: source.GitRepositorySpecProvider.AZURE,
  github: source.GitRepositorySpecProvider.GITHUB,
};

/**
 * The Git reference a GitRepository checks out. Set `branch`, `tag`, `semver`
 * or `name` (at most one of them); `commit` may be given alone or together
 * with `branch`.
 *
 * @see https://fluxcd.io/flux/components/source/gitrepositories/#reference
 */
export interface GitRepositoryRef {
  /**
   * Branch to check out.
   *
   * @default - not set (the construct emits `branch: "main"` when the whole `ref` is omitted)
   */
  readonly branch?: string;
  /**
   * Tag to check out.
   *
   * @default - not set
   */
  readonly tag?: string;
  /**
   * SemVer range of tags to check out, e.g. `">=1.0.0 <2.0.0"`.
   *
   * @default - not set
   */
  readonly semver?: string;
  /**
   * Commit SHA to check out (takes precedence over every other field).
   *
   * @default - not set
   */
  readonly commit?: string;
  /**
   * Full Git reference name, e.g. `refs/pull/420/head`.
   *
   * @default - not set
   */
  readonly name?: string;
}

/**
 * Props of {@link GitRepositorySource}.
 *
 * @see https://fluxcd.io/flux/components/source/gitrepositories/
 */
export interface GitRepositorySourceProps extends FluxResourceProps {
  /**
   * HTTP/S or SSH URL of the repository (`https://...` or `ssh://git@...`;
   * the scp-like `git@host:path` form is not accepted by Flux).
   *
   * @see https://fluxcd.io/flux/components/source/gitrepositories/#url
   */
  readonly url: string;

  /**
   * Git reference to check out.
   *
   * @default { branch: "main" }
   * @see https://fluxcd.io/flux/components/source/gitrepositories/#reference
   */
  readonly ref?: GitRepositoryRef;

  /**
   * How often the repository is checked for new commits.
   *
   * @default "1m"
   * @see https://fluxcd.io/flux/components/source/gitrepositories/#interval
   */
  readonly interval?: string;

  /**
   * Name of a Secret (same namespace) with the credentials: `username` +
   * `password` / `bearerToken` for HTTPS, `identity` + `known_hosts` for SSH.
   *
   * @default - no secret (public repository or provider-based auth)
   * @see https://fluxcd.io/flux/components/source/gitrepositories/#secret-reference
   */
  readonly secretRef?: string;

  /**
   * `.sourceignore`-style patterns that replace the default exclusions.
   *
   * @default - not set (Flux's default exclusions apply)
   * @see https://fluxcd.io/flux/components/source/gitrepositories/#ignore
   */
  readonly ignore?: string;

  /**
   * Timeout of Git operations (units m, s, ms).
   *
   * @default - not set (the controller uses "60s")
   * @see https://fluxcd.io/flux/components/source/gitrepositories/#timeout
   */
  readonly timeout?: string;

  /**
   * Authentication provider: `azure` (Azure DevOps via workload identity),
   * `github` (GitHub App) or `generic` (secretRef-based).
   *
   * @default - not set (the controller uses "generic")
   * @see https://fluxcd.io/flux/components/source/gitrepositories/#provider
   */
  readonly provider?: GitRepositoryProvider;
}

/**
 * A Flux `GitRepository` (`source.toolkit.fluxcd.io/v1`): makes the content
 * of a Git repository available as an artifact for Kustomizations.
 *
 * @see https://fluxcd.io/flux/components/source/gitrepositories/
 */
export class GitRepositorySource extends Construct {
  /** apiVersion of the emitted object. */
  public readonly apiVersion: string = source.GitRepository.GVK.apiVersion;
  /** kind of the emitted object. */
  public readonly kind = "GitRepository" as const;
  /** `metadata.name` of the GitRepository. */
  public readonly name: string;
  /** `metadata.namespace` of the GitRepository. */
  public readonly namespace: string;
  /** The underlying L1 object. */
  public readonly apiObject: source.GitRepository;

  public constructor(scope: Construct, props: GitRepositorySourceProps) {
    const { id, name, namespace, owner } = resolveIdentity("GitRepositorySource", scope, props);
    super(scope, id);
    this.name = name;
    this.namespace = namespace;

    if (typeof props.url !== "string" || !/^(http|https|ssh):\/\/.+/.test(props.url)) {
      throw new Error(
        `${owner}: url must start with http://, https:// or ssh:// (use ssh://git@host/org/repo instead of git@host:org/repo); got ${JSON.stringify(props.url)}`,
      );
    }
    const ref = resolveRef(owner, props.ref);
    const provider = props.provider === undefined ? undefined : checkOneOf(owner, "provider", props.provider, Object.keys(GIT_PROVIDERS) as GitRepositoryProvider[]);

    this.apiObject = new source.GitRepository(this, "Resource", {
      metadata: { name, namespace },
      spec: {
        url: props.url,
        ref,
        interval: checkDuration(owner, "interval", props.interval ?? "1m"),
        secretRef: props.secretRef === undefined ? undefined : { name: checkName(owner, "secretRef", props.secretRef) },
        ignore: props.ignore,
        timeout: props.timeout === undefined ? undefined : checkDuration(owner, "timeout", props.timeout, { hours: false }),
        provider: provider === undefined ? undefined : GIT_PROVIDERS[provider],
      },
    });
  }
}

function resolveRef(owner: string, ref: GitRepositoryRef | undefined): source.GitRepositorySpecRef {
  if (ref === undefined) {
    return { branch: "main" };
  }
  const set = (["branch", "tag", "semver", "name", "commit"] as const).filter((k) => ref[k] !== undefined);
  for (const k of set) {
    if (typeof ref[k] !== "string" || ref[k]?.trim() === "") {
      throw new Error(`${owner}: ref.${k} must be a non-empty string`);
    }
  }
  const selectors = set.filter((k) => k !== "commit");
  if (set.length === 0) {
    throw new Error(`${owner}: ref must set one of branch, tag, semver, name or commit (omit ref to track branch "main")`);
  }
  if (selectors.length > 1) {
    throw new Error(`${owner}: ref must set at most one of branch, tag, semver and name (commit may be combined with branch); got ${selectors.join(", ")}`);
  }
  if (ref.commit !== undefined && selectors.length === 1 && selectors[0] !== "branch") {
    throw new Error(`${owner}: ref.commit can only be combined with ref.branch; got commit with ${selectors[0]}`);
  }
  return { branch: ref.branch, tag: ref.tag, semver: ref.semver, name: ref.name, commit: ref.commit };
}
