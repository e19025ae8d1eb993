import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { SopsError } from "./errors.js";
import { type SopsValue, valueBytes } from "./go-values.js";

/**
 * One value encrypted the sops way: AES-256-GCM with a 32-byte IV, the value's key path as
 * additional authenticated data, stored as
 * `ENC[AES256_GCM,data:<b64>,iv:<b64>,tag:<b64>,type:<str|int|float|bool|bytes|comment>]`.
 */

/** The `type:` of an encrypted value. */
export type EncryptedType = "str" | "int" | "float" | "bool" | "bytes" | "comment";

const IV_BYTES = 32;
const TAG_BYTES = 16;
const ENC_PATTERN = /^ENC\[AES256_GCM,data:([A-Za-z0-9+/]*={0,2}),iv:([A-Za-z0-9+/]+={0,2}),tag:([A-Za-z0-9+/]+={0,2}),type:(str|int|float|bool|bytes|comment)\]$/;

/** True when a string has the shape of a sops-encrypted value. */
export function isEncryptedValue(text: string): boolean {
  return text.startsWith("ENC[");
}

export interface EncryptedParts {
  data: Buffer;
  iv: Buffer;
  tag: Buffer;
  type: EncryptedType;
}

/** Splits an ENC[...] string; throws a {@link SopsError} naming `path` when it is malformed. */
export function parseEncryptedValue(text: string, path: string): EncryptedParts {
  const match = ENC_PATTERN.exec(text);
  if (!match) throw new SopsError("malformed encrypted value (expected ENC[AES256_GCM,data:…,iv:…,tag:…,type:…])", path);
  const [, data, iv, tag, type] = match as unknown as [string, string, string, string, EncryptedType];
  const parts = { data: Buffer.from(data, "base64"), iv: Buffer.from(iv, "base64"), tag: Buffer.from(tag, "base64"), type };
  if (parts.tag.length !== TAG_BYTES) throw new SopsError(`malformed encrypted value: the tag must be ${TAG_BYTES} bytes`, path);
  if (parts.iv.length === 0) throw new SopsError("malformed encrypted value: empty IV", path);
  return parts;
}

function checkKey(key: Uint8Array): void {
  if (key.length !== 32) throw new Error(`the sops data key must be 32 bytes, got ${key.length}`);
}

/** Encrypts raw bytes with a fresh random IV (or `iv`, for tests) under `type`. */
export function encryptBytes(plain: Uint8Array, type: EncryptedType, key: Uint8Array, aad: string, iv: Uint8Array = randomBytes(IV_BYTES)): string {
  checkKey(key);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `ENC[AES256_GCM,data:${data.toString("base64")},iv:${Buffer.from(iv).toString("base64")},tag:${tag.toString("base64")},type:${type}]`;
}

/**
 * Encrypts one value the way sops does: the type comes from the value, empty strings stay
 * empty (sops never encrypts them).
 */
export function encryptValue(value: SopsValue, key: Uint8Array, aad: string): string {
  if (value.type === "str" && value.value === "") return "";
  if (value.type === "null") throw new SopsError("a null value cannot be encrypted; give it a value or remove it", aad);
  return encryptBytes(valueBytes(value), value.type, key, aad);
}

/**
 * Decrypts an ENC[...] string; a wrong key, a wrong path (AAD) or a changed byte fails the GCM
 * tag check and throws a {@link SopsError} naming `path`.
 */
export function decryptBytes(text: string, key: Uint8Array, aad: string, path: string): { bytes: Buffer; type: EncryptedType } {
  checkKey(key);
  const parts = parseEncryptedValue(text, path);
  const decipher = createDecipheriv("aes-256-gcm", key, parts.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(parts.tag);
  try {
    return { bytes: Buffer.concat([decipher.update(parts.data), decipher.final()]), type: parts.type };
  } catch {
    throw new SopsError(
      "could not decrypt: the value, its key path or the data key does not match (the file was changed or encrypted with another key)",
      path,
    );
  }
}

/** Decrypts to a typed value, parsing numbers and booleans as sops does. */
export function decryptValue(text: string, key: Uint8Array, aad: string, path: string): SopsValue | { type: "comment"; value: string } {
  if (text === "") return { type: "str", value: "" };
  const { bytes, type } = decryptBytes(text, key, aad, path);
  const decoded = bytes.toString("utf8");
  switch (type) {
    case "str":
      return { type: "str", value: decoded };
    case "comment":
      return { type: "comment", value: decoded };
    case "bytes":
      return { type: "bytes", value: new Uint8Array(bytes) };
    case "int":
      if (!/^[-+]?\d+$/.test(decoded)) throw new SopsError("an encrypted int does not decrypt to an integer", path);
      return { type: "int", value: BigInt(decoded) };
    case "float": {
      const number = Number(decoded);
      if (decoded.trim() === "" || Number.isNaN(number)) throw new SopsError("an encrypted float does not decrypt to a number", path);
      return { type: "float", value: number };
    }
    case "bool": {
      const truthy = ["1", "t", "T", "TRUE", "true", "True"];
      const falsy = ["0", "f", "F", "FALSE", "false", "False"];
      if (truthy.includes(decoded)) return { type: "bool", value: true };
      if (falsy.includes(decoded)) return { type: "bool", value: false };
      throw new SopsError("an encrypted bool does not decrypt to a boolean", path);
    }
  }
}
