import { timingSafeEqual } from "node:crypto";
import { decryptBytes } from "./aes-value.js";
import { type DecryptedLeaf, decryptTree, treeToPlain } from "./crypt-tree.js";
import { SopsError } from "./errors.js";
import { KeyVaultAccessError } from "./keys/key-vault-errors.js";
import type { KeyUnwrapper } from "./keys/types.js";
import { lastModifiedAad, readMetadata, type SopsMetadata } from "./metadata.js";
import { parseSopsDocument, type SopsMap } from "./tree.js";

/** A decrypted SOPS file. Holds plaintext: keep it in memory only. */
export interface DecryptedSopsFile {
  /** The document without `sops`, as plain JavaScript values. */
  plaintext: Record<string, unknown>;
  /** The document tree with typed plaintext leaves. */
  tree: SopsMap;
  /** Every leaf in document order with its AAD path and type. */
  leaves: DecryptedLeaf[];
  metadata: SopsMetadata;
  /** The 32-byte data key. */
  dataKey: Uint8Array;
}

/** Recovers the data key with the first unwrapper that has a key for the file. */
export async function unwrapDataKey(metadata: SopsMetadata, unwrappers: readonly KeyUnwrapper[]): Promise<Uint8Array> {
  const failures: string[] = [];
  let environmentOnly = true;
  const applicable = unwrappers.filter((unwrapper) => unwrapper.appliesTo?.(metadata) ?? true);
  for (const unwrapper of applicable) {
    try {
      const key = await unwrapper.unwrap(metadata);
      if (key !== undefined) return key;
    } catch (error) {
      failures.push(`${unwrapper.description}: ${error instanceof Error ? error.message : String(error)}`);
      environmentOnly &&= error instanceof KeyVaultAccessError && error.environment;
    }
  }
  const recipients = [
    ...metadata.age.map((key) => `age ${key.recipient}`),
    ...metadata.azureKv.map((key) => `azure_kv ${key.vaultUrl}/keys/${key.name}/${key.version}`),
    ...metadata.pgp.map((key) => `pgp ${key.fp}`),
  ];
  const tried = applicable.length === 0 ? "no decryption key for them was given" : `tried ${applicable.map((u) => u.description).join(", ")}`;
  const failed = failures.length > 0 ? `; ${failures.join("; ")}` : "";
  // Only the kinds of key this file is encrypted for.
  const fixes = [
    ...(metadata.age.length > 0 ? ["SOPS_AGE_KEY_FILE / SOPS_AGE_KEY with an age identity of one of its recipients"] : []),
    ...(metadata.azureKv.length > 0 ? ["an Azure login whose identity may decrypt with its Key Vault key (Key Vault Crypto User)"] : []),
    ...(metadata.pgp.length > 0 ? ["its PGP key"] : []),
  ];
  const message = `could not recover the data key: the file is encrypted for ${recipients.join(", ") || "no recipients"}; ${tried}${failed}. Provide ${fixes.join(", or ") || "a matching key"}`;
  // Only a network or sign-in failure kept Key Vault from answering: the machine's problem, not the file's.
  if (failures.length > 0 && environmentOnly) throw new KeyVaultAccessError(`sops: ${message}`, true);
  throw new SopsError(message, "sops");
}

/**
 * Checks the file's MAC against the MAC computed over the decrypted tree. A file without a MAC,
 * or whose MAC differs (a value, a key path or the order changed), is refused.
 */
export function verifyMac(metadata: SopsMetadata, computedMac: string, dataKey: Uint8Array): void {
  if (metadata.mac === "") throw new SopsError("the file has no MAC, so its integrity cannot be checked; re-encrypt it", "sops.mac");
  const { bytes } = decryptBytes(metadata.mac, dataKey, lastModifiedAad(metadata.lastModified), "sops.mac");
  const stored = Buffer.from(bytes.toString("utf8"), "utf8");
  const computed = Buffer.from(computedMac, "utf8");
  if (stored.length !== computed.length || !timingSafeEqual(stored, computed)) {
    throw new SopsError("MAC mismatch: the file was changed after it was encrypted (a value, a key or their order); re-encrypt it", "sops.mac");
  }
}

/**
 * Parses, decrypts and verifies a SOPS file (YAML, or JSON read as YAML): the data key comes from
 * the first unwrapper that holds a key for it, every encrypted value is decrypted with its key
 * path as AAD, and the MAC must match. Throws a {@link SopsError} otherwise.
 */
export async function decryptSopsFile(text: string, unwrappers: readonly KeyUnwrapper[]): Promise<DecryptedSopsFile> {
  const document = parseSopsDocument(text);
  const metadata = readMetadata(document.metadata);
  const dataKey = await unwrapDataKey(metadata, unwrappers);
  const decrypted = decryptTree(document.tree, metadata, dataKey);
  verifyMac(metadata, decrypted.mac, dataKey);
  return {
    plaintext: treeToPlain(decrypted.tree) as Record<string, unknown>,
    tree: decrypted.tree,
    leaves: decrypted.leaves,
    metadata,
    dataKey,
  };
}

/** A {@link KeyUnwrapper} that returns a known data key (for re-encryption with a key already recovered). */
export function knownDataKey(dataKey: Uint8Array): KeyUnwrapper {
  return { description: "known data key", unwrap: async () => dataKey };
}
