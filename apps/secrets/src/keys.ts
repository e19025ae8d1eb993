import { readFile } from "node:fs/promises";
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
 * What can decrypt existing files, as with the sops CLI: age identities from `SOPS_AGE_KEY` (the
 * key text) and `SOPS_AGE_KEY_FILE` (a keys file), and Azure Key Vault through the Azure login
 * (asked for only when a file has a Key Vault stanza). Private keys are read into memory only.
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
    async unwrap(metadata: SopsMetadata) {
      if (metadata.azureKv.length === 0) return undefined;
      return azureKeyVaultUnwrapper(await deps.azure()).unwrap(metadata);
    },
  });
  return unwrappers;
}
