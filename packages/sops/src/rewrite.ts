import { isMap, isScalar, parseDocument } from "yaml";
import { type SopsValue, valueBytes } from "./go-values.js";
import { type DecryptedSopsFile, decryptSopsFile } from "./decrypt.js";
import { emitDocument } from "./emit.js";
import { SopsError } from "./errors.js";
import { stanzaId, type KeyStanza, type KeyUnwrapper, type KeyWrapper } from "./keys/types.js";
import { metadataNode, type SopsMetadata } from "./metadata.js";
import { encryptSopsTree, secretTree, wrapForRecipients, type SecretInput } from "./secret.js";
import { parseSopsDocument, type SopsNode } from "./tree.js";

/** The key stanzas of a file's metadata, in `sops` block order. */
export function metadataStanzas(metadata: SopsMetadata): KeyStanza[] {
  return [
    ...metadata.azureKv.map((stanza): KeyStanza => ({ kind: "azure_kv", stanza })),
    ...metadata.age.map((stanza): KeyStanza => ({ kind: "age", stanza })),
  ];
}

/** Whether `stanzas` are exactly one kept stanza per recipient (nothing to add or drop). */
function coversExactly(stanzas: readonly KeyStanza[], recipients: readonly KeyWrapper[]): boolean {
  return stanzas.length === recipients.length && recipients.every((recipient) => stanzas.some((stanza) => recipient.matches(stanza)));
}

/** Offset where the top-level `sops:` key starts; it must be the document's last key, at a line start. */
function sopsBlockStart(text: string): number {
  const document = parseDocument(text);
  const root = document.contents;
  if (!isMap(root)) throw new SopsError("the document must be a mapping");
  const last = root.items.at(-1);
  const key = last?.key;
  if (!isScalar(key) || key.value !== "sops" || key.range === undefined || key.range === null) {
    throw new SopsError("the `sops` block must be the last top-level key (as sops writes it)", "sops");
  }
  const start = key.range[0];
  if (start !== 0 && text[start - 1] !== "\n") throw new SopsError("the `sops` key must start a line", "sops");
  return start;
}

/** Replaces the `sops` block, leaving every byte before it as it was. */
export function replaceMetadata(text: string, metadata: SopsMetadata): string {
  return text.slice(0, sopsBlockStart(text)) + emitDocument({ entries: [["sops", metadataNode(metadata)]] });
}

/** What {@link rewrapSopsFile} did. */
export interface RewrapResult {
  /** The new file text (the input when nothing changed). */
  text: string;
  changed: boolean;
  added: string[];
  removed: string[];
}

/**
 * Re-wraps the data key of a file for `recipients` without touching its values (sops
 * `updatekeys`): the file is decrypted and its MAC checked first; stanzas of recipients that stay
 * are kept byte for byte, new recipients get new stanzas, the others are dropped. Values, MAC and
 * `lastmodified` do not change, so the Git diff shows only the key changes.
 */
export async function rewrapSopsFile(text: string, unwrappers: readonly KeyUnwrapper[], recipients: readonly KeyWrapper[]): Promise<RewrapResult> {
  const decrypted = await decryptSopsFile(text, unwrappers);
  const before = metadataStanzas(decrypted.metadata);
  const hasOthers = decrypted.metadata.pgp.length > 0 || Object.keys(decrypted.metadata.otherKeys).length > 0;
  const after = await wrapForRecipients(decrypted.dataKey, recipients, before);
  const beforeIds = new Set(before.map(stanzaId));
  const afterIds = new Set(after.map(stanzaId));
  const added = [...afterIds].filter((id) => !beforeIds.has(id));
  const removed = [
    ...[...beforeIds].filter((id) => !afterIds.has(id)),
    ...decrypted.metadata.pgp.map((key) => `pgp ${key.fp}`),
    ...Object.entries(decrypted.metadata.otherKeys).map(([source, count]) => `${count} ${source} key(s)`),
  ];
  if (!hasOthers && coversExactly(before, recipients) && before.every((stanza, i) => stanza === after[i])) {
    return { text, changed: false, added: [], removed: [] };
  }
  const metadata: SopsMetadata = {
    ...decrypted.metadata,
    age: after.flatMap((s) => (s.kind === "age" ? [s.stanza] : [])),
    azureKv: after.flatMap((s) => (s.kind === "azure_kv" ? [s.stanza] : [])),
    pgp: [],
    otherKeys: {},
  };
  return { text: replaceMetadata(text, metadata), changed: true, added, removed };
}

function sameBytes(a: SopsValue, b: SopsValue): boolean {
  return a.type === b.type && Buffer.from(valueBytes(a)).equals(Buffer.from(valueBytes(b)));
}

function leavesByPath(file: DecryptedSopsFile, encryptedText: string): Map<string, { plain: SopsValue; enc: string }> {
  // Pair each decrypted leaf with its ciphertext in the original document (same walk order).
  const original = parseSopsDocument(encryptedText).tree;
  const ciphertexts: string[] = [];
  const collect = (node: SopsNode) => {
    if (node.kind === "leaf") ciphertexts.push(node.value.type === "str" ? node.value.value : "");
    else if (node.kind === "seq") node.items.forEach(collect);
    else node.entries.forEach((entry) => collect(entry.value));
  };
  collect(original);
  const byPath = new Map<string, { plain: SopsValue; enc: string }>();
  const counts = new Map<string, number>();
  file.leaves.forEach((leaf, index) => {
    if (!leaf.encrypted) return;
    const count = counts.get(leaf.path) ?? 0;
    counts.set(leaf.path, count + 1);
    // Paths repeat only inside lists; reuse is only safe for unique paths.
    if (count === 0) byPath.set(leaf.path, { plain: leaf.value, enc: ciphertexts[index] ?? "" });
    else byPath.delete(leaf.path);
  });
  return byPath;
}

/** What {@link updateSecretFile} did. */
export interface UpdateSecretResult {
  text: string;
  changed: boolean;
}

/**
 * Writes `secret` over an existing encrypted file that the caller can decrypt, keeping what did
 * not change: the data key, the key stanzas of recipients that stay, and the ciphertext of every
 * unchanged value. Only changed values, the MAC and `lastmodified` get new bytes; when nothing
 * changed at all the text is returned as it was.
 */
export async function updateSecretFile(
  text: string,
  unwrappers: readonly KeyUnwrapper[],
  secret: SecretInput,
  recipients: readonly KeyWrapper[],
  lastModified?: string,
): Promise<UpdateSecretResult> {
  const existing = await decryptSopsFile(text, unwrappers);
  const previous = leavesByPath(existing, text);
  const tree = secretTree(secret);
  const stanzas = metadataStanzas(existing.metadata);
  const sameRecipients = coversExactly(stanzas, recipients) && existing.metadata.pgp.length === 0 && Object.keys(existing.metadata.otherKeys).length === 0;
  const sameTree = JSON.stringify(treeSignature(tree)) === JSON.stringify(treeSignature(existing.tree));
  if (sameRecipients && sameTree) return { text, changed: false };
  const next = await encryptSopsTree(tree, recipients, {
    dataKey: existing.dataKey,
    keepStanzas: stanzas,
    ...(lastModified === undefined ? {} : { lastModified }),
    reuse: (aad, plain) => {
      const old = previous.get(aad);
      return old !== undefined && sameBytes(old.plain, plain) ? old.enc : undefined;
    },
  });
  return { text: next, changed: true };
}

function treeSignature(node: SopsNode): unknown {
  if (node.kind === "leaf") return [node.value.type, Buffer.from(node.value.type === "null" ? new Uint8Array() : valueBytes(node.value)).toString("base64")];
  if (node.kind === "seq") return node.items.map(treeSignature);
  return node.entries.map((entry) => [entry.key, treeSignature(entry.value)]);
}
