import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ClusterSpec } from "@flotilla/fleet";
import {
  ageIdentities,
  ageRecipient,
  azureKeyVaultKey,
  azureKeyVaultUnwrapper,
  azureKeyVaultUrl,
  type KeyUnwrapper,
  type KeyWrapper,
  type SopsMetadata,
} from "@flotilla/sops";
import { CliError, type SecretCliDeps } from "./context.js";

/** The recipients `secret set` encrypts to: the cluster's Key Vault key and age recipients. */
export async function clusterWrappers(spec: ClusterSpec, deps: SecretCliDeps): Promise<KeyWrapper[]> {
  const sops = spec.sops;
  if (sops === undefined) {
    throw new CliError(`cluster ${spec.name} has no sops recipients; add sops: { age: ["age1…"] } and/or { azureKeyVault: { vault, key } } to its cluster file`);
  }
  const wrappers: KeyWrapper[] = [];
  const vault = sops.azureKeyVault;
  if (vault !== undefined) {
    const vaultUrl = (deps.vaultUrl ?? azureKeyVaultUrl)(vault.vault);
    wrappers.push(azureKeyVaultKey({ vaultUrl, name: vault.key, version: vault.version }, await deps.azure()));
  }
  for (const recipient of sops.age) wrappers.push(ageRecipient(recipient));
  return wrappers;
}

/**
 * The age keys file sops reads when SOPS_AGE_KEY_FILE is not set: `sops/age/keys.txt` in the
 * user configuration directory (`$XDG_CONFIG_HOME`, else `~/.config`; on macOS
 * `~/Library/Application Support`).
 */
export function defaultAgeKeyFile(env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): string | undefined {
  const home = env.HOME;
  const config = env.XDG_CONFIG_HOME || (home ? (platform === "darwin" ? join(home, "Library", "Application Support") : join(home, ".config")) : undefined);
  return config === undefined ? undefined : join(config, "sops", "age", "keys.txt");
}

/**
 * What can decrypt existing files, as with the sops CLI: age identities from `SOPS_AGE_KEY` (the
 * key text) and `SOPS_AGE_KEY_FILE` (a keys file; when unset, sops' default keys file if it
 * exists), and Azure Key Vault through the Azure login (asked for only when a file has a Key Vault
 * stanza; never named for files without one). Private keys are read into memory only.
 */
export async function unwrappersFromEnv(deps: SecretCliDeps): Promise<KeyUnwrapper[]> {
  const unwrappers: KeyUnwrapper[] = [];
  const texts: string[] = [];
  if (deps.env.SOPS_AGE_KEY) texts.push(deps.env.SOPS_AGE_KEY);
  if (deps.env.SOPS_AGE_KEY_FILE) {
    try {
      texts.push(await readFile(deps.env.SOPS_AGE_KEY_FILE, "utf8"));
    } catch (error) {
      throw new CliError(`SOPS_AGE_KEY_FILE: cannot read ${deps.env.SOPS_AGE_KEY_FILE} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  } else {
    const fallback = defaultAgeKeyFile(deps.env);
    const text = fallback === undefined ? undefined : await readFile(fallback, "utf8").catch(() => undefined);
    if (text !== undefined) texts.push(text);
  }
  if (texts.length > 0) {
    try {
      unwrappers.push(await ageIdentities(texts.join("\n")));
    } catch (error) {
      throw new CliError(`SOPS_AGE_KEY / SOPS_AGE_KEY_FILE: ${(error as Error).message}`);
    }
  }
  unwrappers.push({
    description: "Azure Key Vault",
    appliesTo: (metadata: SopsMetadata) => metadata.azureKv.length > 0,
    async unwrap(metadata: SopsMetadata) {
      if (metadata.azureKv.length === 0) return undefined;
      return azureKeyVaultUnwrapper(await deps.azure()).unwrap(metadata);
    },
  });
  return unwrappers;
}
