import { showString } from "../describe-value.js";

/** An age X25519 (`age1…`) or post-quantum hybrid (`age1pq1…`) recipient: Bech32, lower case. */
const AGE_RECIPIENT = /^age1(pq1)?[023456789acdefghjklmnpqrstuvwxyz]{20,}$/;

/** Checks an age recipient (the public key `age-keygen` prints). Private keys are refused loudly. */
export function checkAgeRecipient(value: string): string | undefined {
  if (/^AGE-SECRET-KEY-/i.test(value)) {
    return "this is an age PRIVATE key: never put it in the fleet definition; use its public key (`age-keygen -y <keyfile>` prints it, \"age1…\") and rotate the leaked key";
  }
  if (!AGE_RECIPIENT.test(value)) {
    return `expected an age recipient, the public key \`age-keygen\` prints ("age1…"), got ${showString(value)}`;
  }
  return undefined;
}

/** A Key Vault key version: 32 hex digits. */
export function checkKeyVaultKeyVersion(value: string): string | undefined {
  if (!/^[0-9a-fA-F]{32}$/.test(value)) {
    return `expected a Key Vault key version, 32 hex digits (az keyvault key show --vault-name <vault> -n <key> --query key.kid -o tsv ends with it), got ${showString(value)}`;
  }
  return undefined;
}

/** A Secret data key: letters, digits, '-', '_', '.'. */
export function checkSecretKey(value: string): string | undefined {
  if (!/^[-._a-zA-Z0-9]+$/.test(value) || value.length > 253) {
    return `expected a Secret key (letters, digits, '-', '_' and '.'), got ${showString(value)}`;
  }
  return undefined;
}
