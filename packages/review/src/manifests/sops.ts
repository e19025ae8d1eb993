/**
 * SOPS-encrypted documents keep their structure in the clear and replace values with
 * `ENC[AES256_GCM,data:…,iv:…,tag:…,type:str]`, plus a top-level `sops` block (recipients, the
 * wrapped data keys, the MAC). Nothing here decrypts: review works on the shape only.
 */
const ENCRYPTED_VALUE = /^ENC\[AES256_GCM,data:[^,]*,iv:[^,]*,tag:[^,]*,type:(\w+)\]$/;

/** True for a SOPS ciphertext value. */
export function isEncryptedValue(value: unknown): value is string {
  return typeof value === "string" && ENCRYPTED_VALUE.test(value);
}

/** A document with a top-level `sops` block. */
export function isSopsEncrypted(object: Record<string, unknown>): boolean {
  const sops = object.sops;
  return sops !== null && typeof sops === "object" && !Array.isArray(sops);
}

/** True when the value holds a ciphertext anywhere. */
export function containsEncryptedValue(value: unknown): boolean {
  if (isEncryptedValue(value)) return true;
  if (Array.isArray(value)) return value.some(containsEncryptedValue);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsEncryptedValue);
  return false;
}

/**
 * What the reviewer may see of a `sops` block: who can decrypt (age recipients, Key Vault keys,
 * PGP fingerprints, other sources by name) and which keys are encrypted. The wrapped data keys
 * (`enc`), the MAC, `lastmodified` and `created_at` are left out: they change on every
 * re-encryption and say nothing readable.
 */
export function sopsSummary(sops: unknown): Record<string, unknown> {
  if (sops === null || typeof sops !== "object" || Array.isArray(sops)) return {};
  const block = sops as Record<string, unknown>;
  const recipients: string[] = [];
  const list = (key: string) => (Array.isArray(block[key]) ? (block[key] as unknown[]) : []).filter(isRecord);
  for (const age of list("age")) recipients.push(`age:${String(age.recipient)}`);
  for (const kv of list("azure_kv")) recipients.push(`azure_kv:${String(kv.vaultUrl ?? kv.vault_url)}/keys/${String(kv.name)}/${String(kv.version)}`);
  for (const pgp of list("pgp")) recipients.push(`pgp:${String(pgp.fp)}`);
  for (const kms of list("kms")) recipients.push(`kms:${String(kms.arn)}`);
  for (const gcp of list("gcp_kms")) recipients.push(`gcp_kms:${String(gcp.resource_id)}`);
  for (const vault of list("hc_vault")) recipients.push(`hc_vault:${String(vault.vault_address)}/${String(vault.engine_path)}/${String(vault.key_name)}`);
  const summary: Record<string, unknown> = { recipients: recipients.sort() };
  for (const key of ["encrypted_regex", "unencrypted_regex", "encrypted_suffix", "unencrypted_suffix", "mac_only_encrypted"]) {
    if (block[key] !== undefined) summary[key] = block[key];
  }
  return summary;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
