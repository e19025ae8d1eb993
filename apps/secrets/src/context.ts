import { join, relative, resolve } from "node:path";
import type { TokenCredential } from "@azure/core-auth";
import { type ClusterSpec, type CommandHints, formatFleetProblems, importClusterModules, loadFleet } from "@flotilla/fleet";
import { PLATFORMS } from "@flotilla/platforms";
import type { AzureKeyVaultAccess } from "@flotilla/sops";

/** Thrown for anything the user must fix; printed without a stack, exit code 1 (2 for usage). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** What the CLI needs from the outside world (injected, so tests run it in-process). */
export interface SecretCliDeps {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  env: Record<string, string | undefined>;
  repoRoot: string;
  /** How messages spell the commands to run: the CLI's own (it owns their spelling). */
  commands: CommandHints;
  /** Standard output is a terminal: `secret view` prints plaintext only there (or with --pipe). */
  stdoutIsTTY?: boolean;
  /** Writes bytes to stdout as they are (`secret view --key`); default: as one line. */
  stdoutRaw?: (bytes: Uint8Array) => void;
  /** Standard input: whether it is a terminal, its whole content, and a hidden prompt on a terminal. */
  stdin: { isTTY: boolean; readAll: () => Promise<Buffer>; readHidden: (prompt: string) => Promise<string> };
  /** Key Vault access; the real CLI uses DefaultAzureCredential. */
  azure: () => Promise<AzureKeyVaultAccess>;
  /** The vault URL of a Key Vault name (default `https://<name>.vault.azure.net`). */
  vaultUrl?: (vault: string) => string;
  /** How long `set`/`updatekeys` wait for another writer's lock (default @flotilla/lock's). */
  lockWaitMs?: number;
  /** `lastmodified` of written files (default now). */
  now?: () => string;
}

export interface Locations {
  /** Directory of the compiled cluster modules. */
  modulesDir: string;
  displayName: (path: string) => string;
  /** `<dir>/<cluster>/<namespace>/<name>.sops.yaml`. */
  secretsDir: string;
  /** The generated `.sops.yaml`. */
  sopsConfig: string;
}

export interface GlobalOptions {
  fleet?: string;
  secrets?: string;
}

/**
 * Where things are: the example fleet (`apps/fleet/src/clusters`),
 * `apps/fleet/secrets` and the repository's `.sops.yaml`; with `--fleet <dir>`, `<dir>/secrets`
 * and `<dir>/.sops.yaml`.
 */
export function locations(deps: SecretCliDeps, options: GlobalOptions): Locations {
  const root = deps.repoRoot;
  const displayName = (path: string) => {
    const inRepo = relative(root, path);
    return inRepo && !inRepo.startsWith("..") ? inRepo : path;
  };
  const secrets = options.secrets === undefined ? undefined : resolve(options.secrets);
  if (options.fleet !== undefined) {
    const fleet = resolve(options.fleet);
    return {
      modulesDir: fleet,
      displayName,
      secretsDir: secrets ?? join(fleet, "secrets"),
      sopsConfig: join(fleet, ".sops.yaml"),
    };
  }
  return {
    modulesDir: join(root, "apps/fleet/src/clusters"),
    displayName,
    secretsDir: secrets ?? join(root, "apps/fleet/secrets"),
    sopsConfig: join(root, ".sops.yaml"),
  };
}

/** The validated fleet, or a {@link CliError} listing every problem. */
export async function loadClusters(where: Locations, commands: CommandHints): Promise<ClusterSpec[]> {
  let imported;
  try {
    imported = await importClusterModules({ modulesDir: where.modulesDir, displayName: where.displayName });
  } catch (error) {
    throw new CliError(`cannot read the fleet in ${where.displayName(where.modulesDir)} (${(error as Error).message})`);
  }
  const fleet = loadFleet(imported.modules, PLATFORMS, commands);
  const problems = [...imported.problems, ...(fleet.ok ? [] : fleet.problems)];
  if (!fleet.ok || problems.length > 0) throw new CliError(formatFleetProblems(problems));
  return fleet.clusters.map((cluster) => cluster.spec);
}

/** The named cluster, or a {@link CliError} listing the fleet's clusters. */
export function findCluster(clusters: readonly ClusterSpec[], name: string): ClusterSpec {
  const spec = clusters.find((cluster) => cluster.name === name);
  if (spec === undefined) {
    throw new CliError(`unknown cluster "${name}"; the fleet has ${clusters.map((c) => c.name).join(", ") || "no clusters"}`, 2);
  }
  return spec;
}

export type { TokenCredential };
