import { createHash } from "node:crypto";
import { decryptValue, encryptValue } from "./aes-value.js";
import { SopsError } from "./errors.js";
import { type SopsValue, toPlain, valueBytes } from "./go-values.js";
import type { SopsMetadata } from "./metadata.js";
import type { SopsLeaf, SopsMap, SopsNode } from "./tree.js";

/** Which values a file encrypts: the selector fields of the `sops` block. */
export type EncryptionSelector = Pick<SopsMetadata, "unencryptedSuffix" | "encryptedSuffix" | "unencryptedRegex" | "encryptedRegex">;

/** One decrypted leaf: its AAD path (`stringData:key:`), type and plaintext. */
export interface DecryptedLeaf {
  path: string;
  type: SopsValue["type"];
  value: SopsValue;
  /** Whether the file had it encrypted. */
  encrypted: boolean;
}

function compileRegex(pattern: string, field: string): RegExp {
  try {
    return new RegExp(pattern, "u");
  } catch {
    throw new SopsError(`not a regular expression flotilla can evaluate: ${JSON.stringify(pattern)}`, `sops.${field}`);
  }
}

/**
 * sops' rule for whether the value at `path` (map keys from the root, list positions left out)
 * is encrypted: suffixes and regular expressions are tested against every key on the path.
 */
export function encryptionRule(selector: EncryptionSelector): (path: readonly string[]) => boolean {
  const unencryptedRegex = selector.unencryptedRegex === undefined ? undefined : compileRegex(selector.unencryptedRegex, "unencrypted_regex");
  const encryptedRegex = selector.encryptedRegex === undefined ? undefined : compileRegex(selector.encryptedRegex, "encrypted_regex");
  return (path) => {
    let encrypted = true;
    if (selector.unencryptedSuffix !== undefined && path.some((key) => key.endsWith(selector.unencryptedSuffix!))) encrypted = false;
    if (selector.encryptedSuffix !== undefined) encrypted = path.some((key) => key.endsWith(selector.encryptedSuffix!));
    if (unencryptedRegex !== undefined && path.some((key) => unencryptedRegex.test(key))) encrypted = false;
    if (encryptedRegex !== undefined) encrypted = path.some((key) => encryptedRegex.test(key));
    return encrypted;
  };
}

/** Visits every leaf in document order with its key path. */
function walkLeaves(node: SopsNode, path: string[], visit: (leaf: SopsLeaf, path: string[]) => SopsLeaf): SopsNode {
  switch (node.kind) {
    case "leaf":
      return visit(node, path);
    case "seq":
      return { kind: "seq", items: node.items.map((item) => walkLeaves(item, path, visit)) };
    case "map":
      return { kind: "map", entries: node.entries.map(({ key, value }) => ({ key, value: walkLeaves(value, [...path, key], visit) })) };
  }
}

const aadOf = (path: readonly string[]) => `${path.join(":")}:`;
const displayPath = (path: readonly string[]) => path.join(".");

/** The hex (upper case) SHA-512 that sops calls the MAC. */
function macHasher() {
  const hash = createHash("sha512");
  return { add: (value: SopsValue) => hash.update(valueBytes(value)), hex: () => hash.digest("hex").toUpperCase() };
}

/**
 * Decrypts every encrypted leaf and computes the MAC over the plaintext leaves (all of them, or
 * only the encrypted ones with `mac_only_encrypted`), as sops' `Tree.Decrypt` does.
 */
export function decryptTree(tree: SopsMap, metadata: SopsMetadata, dataKey: Uint8Array): { tree: SopsMap; leaves: DecryptedLeaf[]; mac: string } {
  const isEncrypted = encryptionRule(metadata);
  const mac = macHasher();
  const leaves: DecryptedLeaf[] = [];
  const decrypted = walkLeaves(tree, [], (leaf, path) => {
    const encrypted = isEncrypted(path);
    let value = leaf.value;
    if (encrypted) {
      if (value.type !== "str") throw new SopsError("expected an encrypted value (ENC[...]), got a plaintext value", displayPath(path));
      const plain = decryptValue(value.value, dataKey, aadOf(path), displayPath(path));
      if (plain.type === "comment") throw new SopsError("an encrypted comment in place of a value", displayPath(path));
      value = plain;
    }
    if (value.type === "null") throw new SopsError("null values are not supported by sops", displayPath(path));
    if (!metadata.macOnlyEncrypted || encrypted) mac.add(value);
    leaves.push({ path: aadOf(path), type: value.type, value, encrypted });
    return { kind: "leaf", value };
  }) as SopsMap;
  return { tree: decrypted, leaves, mac: mac.hex() };
}

/**
 * A previously encrypted value to keep for a leaf whose plaintext did not change (same data key,
 * same key path), so unchanged values keep their bytes in Git; `undefined` encrypts afresh.
 */
export type ReuseCiphertext = (aad: string, plaintext: SopsValue) => string | undefined;

/** Encrypts the leaves the selector picks and computes the MAC over the plaintext, as sops' `Tree.Encrypt`. */
export function encryptTree(tree: SopsMap, selector: EncryptionSelector, dataKey: Uint8Array, reuse?: ReuseCiphertext): { tree: SopsMap; mac: string } {
  const isEncrypted = encryptionRule(selector);
  const mac = macHasher();
  const encrypted = walkLeaves(tree, [], (leaf, path) => {
    if (leaf.value.type === "null") throw new SopsError("null values are not supported by sops", displayPath(path));
    mac.add(leaf.value);
    if (!isEncrypted(path)) return leaf;
    const kept = reuse?.(aadOf(path), leaf.value);
    return { kind: "leaf", value: { type: "str", value: kept ?? encryptValue(leaf.value, dataKey, aadOf(path)) } };
  }) as SopsMap;
  return { tree: encrypted, mac: mac.hex() };
}

/** The tree as plain JavaScript values (maps to objects, sequences to arrays). */
export function treeToPlain(node: SopsNode): unknown {
  switch (node.kind) {
    case "leaf":
      return toPlain(node.value);
    case "seq":
      return node.items.map(treeToPlain);
    case "map":
      return Object.fromEntries(node.entries.map(({ key, value }) => [key, treeToPlain(value)]));
  }
}
