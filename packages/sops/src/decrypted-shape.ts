import { isEncryptedValue } from "./aes-value.js";

const ENCRYPTED_TYPE = /,type:(\w+)\]$/;

/**
 * The object as its schema sees it after decryption: without the `sops` block, each ciphertext
 * replaced by a value of the type SOPS recorded (an empty string, 0, false), which every schema
 * accepts where the plaintext would be (`data` values are base64, and "" is valid base64). Synth
 * and validate check encrypted Secrets against their schema in this shape.
 */
export function decryptedShape(object: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...object };
  delete rest.sops;
  return placeholders(rest) as Record<string, unknown>;
}

function placeholders(value: unknown): unknown {
  if (typeof value === "string" && isEncryptedValue(value)) {
    const type = ENCRYPTED_TYPE.exec(value)?.[1];
    return type === "int" || type === "float" ? 0 : type === "bool" ? false : "";
  }
  if (Array.isArray(value)) return value.map(placeholders);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, placeholders(item)]));
  return value;
}
