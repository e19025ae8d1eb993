import { randomBytes } from "node:crypto";
import { encryptBytes } from "./aes-value.js";
import { encryptTree, type ReuseCiphertext } from "./crypt-tree.js";
import { emitDocument, type EmitMap, type EmitNode } from "./emit.js";
import type { KeyStanza, KeyWrapper } from "./keys/types.js";
import { lastModifiedAad, metadataNode, type SopsMetadata } from "./metadata.js";
import type { SopsMap, SopsNode } from "./tree.js";

/** The regular expression flotilla's Secrets are encrypted with: only `data` and `stringData` values. */
export const KUBERNETES_ENCRYPTED_REGEX = "^(data|stringData)$";

/**
 * The sops format version flotilla writes: its files use the `sops` block layout of sops 3.10
 * (field order, empty key lists left out), which every sops 3.x and Flux's kustomize-controller
 * read.
 */
export const SOPS_FORMAT_VERSION = "3.10.2";

/** A Kubernetes Secret to encrypt. Values are bytes; they are stored base64-encoded under `data`. */
export interface SecretInput {
  name: string;
  namespace: string;
  /** @default "Opaque" */
  type?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Key → value bytes. Keys must be valid Secret keys (`[-._a-zA-Z0-9]+`). */
  data: Record<string, Uint8Array>;
}

/** Byte-wise (UTF-8) order, the order Go's `sort.Strings` and `encoding/json` use for map keys. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function leaf(value: string): SopsNode {
  return { kind: "leaf", value: { type: "str", value } };
}

function sortedMap(record: Record<string, SopsNode>): SopsMap {
  return { kind: "map", entries: Object.keys(record).sort(compareUtf8).map((key) => ({ key, value: record[key]! })) };
}

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * Go's YAML emitter (which kustomize-controller runs on every resource before decrypting it)
 * folds these line separators, so a plaintext field holding one would fail the MAC in Flux.
 */
const UNROUNDTRIPPABLE = /[\u0085\u2028\u2029]/;

function checkPlaintextField(what: string, value: string): string {
  if (UNROUNDTRIPPABLE.test(value)) {
    throw new Error(`${what} contains U+0085, U+2028 or U+2029, which Flux's YAML handling would change (and so fail the MAC); remove it`);
  }
  return value;
}

/**
 * The plaintext tree of a Secret with every mapping's keys in byte order (the order `kubectl
 * create secret -o yaml` prints). kustomize-controller decrypts the resource's JSON form, whose
 * keys Go sorts this way; it skips the MAC check by default, but with sorted keys the MAC holds
 * for that form too, not only for the file as sops reads it.
 */
export function secretTree(secret: SecretInput): SopsMap {
  const keys = Object.keys(secret.data);
  if (keys.length === 0) throw new Error("a Secret needs at least one key");
  for (const key of keys) {
    if (!SECRET_KEY.test(key) || key.length > 253) throw new Error(`invalid Secret key ${JSON.stringify(key)}: use letters, digits, '-', '_' and '.'`);
  }
  const metadata: Record<string, SopsNode> = {
    name: leaf(checkPlaintextField("metadata.name", secret.name)),
    namespace: leaf(checkPlaintextField("metadata.namespace", secret.namespace)),
  };
  const fields = (what: string, record: Record<string, string> | undefined) =>
    Object.entries(record ?? {}).map(([k, v]) => [checkPlaintextField(`${what} key`, k), leaf(checkPlaintextField(`${what}.${k}`, v))] as const);
  const labels = fields("metadata.labels", secret.labels);
  if (labels.length > 0) metadata.labels = sortedMap(Object.fromEntries(labels));
  const annotations = fields("metadata.annotations", secret.annotations);
  if (annotations.length > 0) metadata.annotations = sortedMap(Object.fromEntries(annotations));
  return sortedMap({
    apiVersion: leaf("v1"),
    kind: leaf("Secret"),
    metadata: sortedMap(metadata),
    type: leaf(checkPlaintextField("type", secret.type ?? "Opaque")),
    data: sortedMap(Object.fromEntries(keys.map((key) => [key, leaf(Buffer.from(secret.data[key]!).toString("base64"))]))),
  });
}

function toEmit(node: SopsNode): EmitNode {
  switch (node.kind) {
    case "leaf":
      if (node.value.type !== "str") throw new Error("flotilla writes string values only");
      return node.value.value;
    case "seq":
      return node.items.map(toEmit);
    case "map":
      return { entries: node.entries.map(({ key, value }) => [key, toEmit(value)] as [string, EmitNode]) };
  }
}

function nowRfc3339(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, "Z");
}

/** Options of {@link encryptSopsTree}. */
export interface EncryptOptions {
  /** `lastmodified`; default now, RFC 3339 in UTC without fractions. */
  lastModified?: string;
  /** Reuse this data key (and keep these stanzas for unchanged recipients) instead of a new one. */
  dataKey?: Uint8Array;
  /** Stanzas to keep as they are when their recipient is still wanted (see {@link KeyWrapper.matches}). */
  keepStanzas?: readonly KeyStanza[];
  /** Ciphertexts to keep for unchanged values (only meaningful with `dataKey`). */
  reuse?: ReuseCiphertext;
}

/** Wraps the data key for every recipient, reusing kept stanzas of recipients that did not change. */
export async function wrapForRecipients(dataKey: Uint8Array, recipients: readonly KeyWrapper[], keep: readonly KeyStanza[] = []): Promise<KeyStanza[]> {
  if (recipients.length === 0) throw new Error("no recipients: configure the cluster's sops.age recipients or sops.azureKeyVault key");
  const seen = new Set<string>();
  const stanzas: KeyStanza[] = [];
  for (const recipient of recipients) {
    if (seen.has(recipient.id)) continue;
    seen.add(recipient.id);
    stanzas.push(keep.find((stanza) => recipient.matches(stanza)) ?? (await recipient.wrap(dataKey)));
  }
  return stanzas;
}

/** Builds the sops metadata for `stanzas`. */
export function metadataFor(stanzas: readonly KeyStanza[], lastModified: string, mac: string): SopsMetadata {
  return {
    age: stanzas.flatMap((s) => (s.kind === "age" ? [s.stanza] : [])),
    azureKv: stanzas.flatMap((s) => (s.kind === "azure_kv" ? [s.stanza] : [])),
    pgp: [],
    otherKeys: {},
    lastModified,
    mac,
    encryptedRegex: KUBERNETES_ENCRYPTED_REGEX,
    macOnlyEncrypted: false,
    version: SOPS_FORMAT_VERSION,
  };
}

/**
 * Encrypts a plaintext tree for `recipients` with `encrypted_regex: ^(data|stringData)$`: a
 * fresh 32-byte data key (unless given), AES-256-GCM per value with its key path as AAD, the MAC
 * over the plaintext leaves encrypted with `lastmodified` as AAD, the data key wrapped for every
 * recipient. Returns the file text (YAML quoted so Go reads the same bytes).
 */
export async function encryptSopsTree(tree: SopsMap, recipients: readonly KeyWrapper[], options: EncryptOptions = {}): Promise<string> {
  const dataKey = options.dataKey ?? randomBytes(32);
  const lastModified = options.lastModified ?? nowRfc3339();
  const encrypted = encryptTree(tree, { encryptedRegex: KUBERNETES_ENCRYPTED_REGEX }, dataKey, options.dataKey === undefined ? undefined : options.reuse);
  const mac = encryptBytes(Buffer.from(encrypted.mac, "utf8"), "str", dataKey, lastModifiedAad(lastModified));
  const stanzas = await wrapForRecipients(dataKey, recipients, options.keepStanzas);
  const root = toEmit(encrypted.tree) as EmitMap;
  root.entries.push(["sops", metadataNode(metadataFor(stanzas, lastModified, mac))]);
  return emitDocument(root);
}

/** Encrypts a Kubernetes Secret (see {@link secretTree} and {@link encryptSopsTree}). */
export async function encryptSecret(secret: SecretInput, recipients: readonly KeyWrapper[], options: EncryptOptions = {}): Promise<string> {
  return encryptSopsTree(secretTree(secret), recipients, options);
}
