import type { ClusterSpec } from "@flotilla/fleet";
import { azureKeyVaultKeyUrl, azureKeyVaultUrl, type SopsMetadata } from "@flotilla/sops";

/**
 * A cluster's recipients as comparable strings: `age1…` and `azure_kv <vault URL>/keys/<key>`
 * (with `/<version>` when the spec pins one).
 */
export function clusterRecipients(spec: ClusterSpec): { age: string[]; azureKeyVault: { vaultUrl: string; name: string; version: string | undefined } | undefined } {
  const vault = spec.sops?.azureKeyVault;
  return {
    age: [...(spec.sops?.age ?? [])],
    azureKeyVault: vault === undefined ? undefined : { vaultUrl: azureKeyVaultUrl(vault.vault), name: vault.key, version: vault.version },
  };
}

/** The recipients a file is encrypted for, as shown in messages. */
export function fileRecipients(metadata: SopsMetadata): string[] {
  return [
    ...metadata.age.map((key) => key.recipient),
    ...metadata.azureKv.map((key) => azureKeyVaultKeyUrl(key)),
    ...metadata.pgp.map((key) => `pgp:${key.fp}`),
    ...Object.entries(metadata.otherKeys).map(([source, count]) => `${count} ${source} key(s)`),
  ];
}

/**
 * How a file's key stanzas differ from the cluster's recipients: every recipient must have a
 * stanza, and no stanza may be for anyone else. Empty when they match.
 */
export function recipientMismatch(metadata: SopsMetadata, spec: ClusterSpec): { missing: string[]; extra: string[] } {
  const wanted = clusterRecipients(spec);
  const missing: string[] = [];
  const extra: string[] = [];
  const age = new Set(metadata.age.map((key) => key.recipient));
  for (const recipient of wanted.age) if (!age.has(recipient)) missing.push(recipient);
  for (const recipient of age) if (!wanted.age.includes(recipient)) extra.push(recipient);
  const vault = wanted.azureKeyVault;
  const matches = (key: SopsMetadata["azureKv"][number]) =>
    vault !== undefined &&
    key.vaultUrl.replace(/\/+$/, "").toLowerCase() === vault.vaultUrl.toLowerCase() &&
    key.name === vault.name &&
    (vault.version === undefined || key.version === vault.version);
  if (vault !== undefined && !metadata.azureKv.some(matches)) missing.push(azureKeyVaultKeyUrl({ ...vault, version: vault.version ?? "" }));
  for (const key of metadata.azureKv) if (!matches(key)) extra.push(azureKeyVaultKeyUrl(key));
  extra.push(...metadata.pgp.map((key) => `pgp:${key.fp}`), ...Object.entries(metadata.otherKeys).map(([source, count]) => `${count} ${source} key(s)`));
  return { missing, extra };
}
