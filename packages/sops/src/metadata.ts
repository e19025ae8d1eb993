import { SopsError } from "./errors.js";
import type { EmitMap, EmitNode } from "./emit.js";
import type { SopsNode } from "./tree.js";

/** The data key wrapped for an age recipient (`sops.age[]`). */
export interface AgeKeyStanza {
  /** The `age1…` recipient. */
  recipient: string;
  /** The data key encrypted to the recipient, ASCII-armored. */
  enc: string;
}

/** The data key wrapped by an Azure Key Vault key (`sops.azure_kv[]`), RSA-OAEP-256. */
export interface AzureKeyVaultStanza {
  /** `https://<vault>.vault.azure.net` (no trailing slash). */
  vaultUrl: string;
  /** Key name. */
  name: string;
  /** Key version. */
  version: string;
  /** When the data key was wrapped (RFC 3339). */
  createdAt: string;
  /** The wrapped data key, base64url without padding (as sops writes it). */
  enc: string;
}

/** The data key wrapped for a PGP key (`sops.pgp[]`); read only. */
export interface PgpKeyStanza {
  fp: string;
  createdAt: string;
  enc: string;
}

/** The `sops` block of a file. Key sources flotilla does not use are only counted. */
export interface SopsMetadata {
  age: AgeKeyStanza[];
  azureKv: AzureKeyVaultStanza[];
  pgp: PgpKeyStanza[];
  /** Stanzas of other key sources (kms, gcp_kms, hc_vault), by source name. */
  otherKeys: Record<string, number>;
  /** `lastmodified`, as written. */
  lastModified: string;
  /** The encrypted MAC (`ENC[...]`), `""` when the file has none. */
  mac: string;
  unencryptedSuffix?: string;
  encryptedSuffix?: string;
  unencryptedRegex?: string;
  encryptedRegex?: string;
  macOnlyEncrypted: boolean;
  version: string;
}

const KNOWN_FIELDS = new Set([
  "kms",
  "gcp_kms",
  "azure_kv",
  "hc_vault",
  "age",
  "lastmodified",
  "mac",
  "pgp",
  "unencrypted_suffix",
  "encrypted_suffix",
  "unencrypted_regex",
  "encrypted_regex",
  "unencrypted_comment_regex",
  "encrypted_comment_regex",
  "mac_only_encrypted",
  "version",
  "shamir_threshold",
  "key_groups",
]);

function field(node: SopsNode, key: string): SopsNode | undefined {
  return node.kind === "map" ? node.entries.find((entry) => entry.key === key)?.value : undefined;
}

function text(node: SopsNode | undefined, path: string, required: boolean): string | undefined {
  if (node === undefined || (node.kind === "leaf" && node.value.type === "null")) {
    if (required) throw new SopsError("missing; the sops block is incomplete (was the file written by sops?)", path);
    return undefined;
  }
  if (node.kind !== "leaf") throw new SopsError("expected a string", path);
  const value = node.value;
  if (value.type === "str") return value.value;
  if (value.type === "int") return value.value.toString();
  if (value.type === "float") return String(value.value);
  throw new SopsError("expected a string", path);
}

function list(node: SopsNode | undefined, path: string): SopsNode[] {
  if (node === undefined || (node.kind === "leaf" && node.value.type === "null")) return [];
  if (node.kind !== "seq") throw new SopsError("expected a list", path);
  return node.items;
}

/**
 * Reads the `sops` block. Throws a {@link SopsError} (path `sops…`) when it is missing, not a
 * mapping, or lacks `lastmodified`, `version` or well-formed key stanzas. Key groups (Shamir) are
 * refused: flotilla's files have one group.
 */
export function readMetadata(node: SopsNode | undefined): SopsMetadata {
  if (node === undefined) {
    throw new SopsError("no `sops` metadata: the file is not SOPS-encrypted; encrypt it (flotilla's `secret set`, or sops)", "sops");
  }
  if (node.kind !== "map") throw new SopsError("expected a mapping", "sops");
  for (const entry of node.entries) {
    if (!KNOWN_FIELDS.has(entry.key)) throw new SopsError("unknown field of the sops block", `sops.${entry.key}`);
  }
  if (field(node, "key_groups") !== undefined) {
    throw new SopsError("key groups (Shamir secret sharing) are not supported; use one list of recipients", "sops.key_groups");
  }
  const age = list(field(node, "age"), "sops.age").map((entry, i) => ({
    recipient: text(field(entry, "recipient"), `sops.age[${i}].recipient`, true)!,
    enc: text(field(entry, "enc"), `sops.age[${i}].enc`, true)!,
  }));
  const azureKv = list(field(node, "azure_kv"), "sops.azure_kv").map((entry, i) => ({
    vaultUrl: text(field(entry, "vault_url"), `sops.azure_kv[${i}].vault_url`, true)!,
    name: text(field(entry, "name"), `sops.azure_kv[${i}].name`, true)!,
    version: text(field(entry, "version"), `sops.azure_kv[${i}].version`, false) ?? "",
    createdAt: text(field(entry, "created_at"), `sops.azure_kv[${i}].created_at`, false) ?? "",
    enc: text(field(entry, "enc"), `sops.azure_kv[${i}].enc`, true)!,
  }));
  const pgp = list(field(node, "pgp"), "sops.pgp").map((entry, i) => ({
    fp: text(field(entry, "fp"), `sops.pgp[${i}].fp`, true)!,
    createdAt: text(field(entry, "created_at"), `sops.pgp[${i}].created_at`, false) ?? "",
    enc: text(field(entry, "enc"), `sops.pgp[${i}].enc`, true)!,
  }));
  const otherKeys: Record<string, number> = {};
  for (const source of ["kms", "gcp_kms", "hc_vault"]) {
    const count = list(field(node, source), `sops.${source}`).length;
    if (count > 0) otherKeys[source] = count;
  }
  const macOnly = field(node, "mac_only_encrypted");
  const metadata: SopsMetadata = {
    age,
    azureKv,
    pgp,
    otherKeys,
    lastModified: text(field(node, "lastmodified"), "sops.lastmodified", true)!,
    mac: text(field(node, "mac"), "sops.mac", false) ?? "",
    macOnlyEncrypted: macOnly?.kind === "leaf" && macOnly.value.type === "bool" && macOnly.value.value,
    version: text(field(node, "version"), "sops.version", true)!,
  };
  const optional = [
    ["unencryptedSuffix", "unencrypted_suffix"],
    ["encryptedSuffix", "encrypted_suffix"],
    ["unencryptedRegex", "unencrypted_regex"],
    ["encryptedRegex", "encrypted_regex"],
  ] as const;
  for (const [property, key] of optional) {
    const value = text(field(node, key), `sops.${key}`, false);
    if (value !== undefined && value !== "") metadata[property] = value;
  }
  const selectors = optional.filter(([property]) => metadata[property] !== undefined).map(([, key]) => key);
  if (selectors.length > 1) {
    throw new SopsError(`only one of ${selectors.join(", ")} may be set`, "sops");
  }
  return metadata;
}

/**
 * The `sops` block as flotilla writes it, in the field order of sops 3.10+ (empty key lists left
 * out): azure_kv, age, lastmodified, mac, the selector, version.
 */
export function metadataNode(metadata: SopsMetadata): EmitMap {
  const entries: [string, EmitNode][] = [];
  if (metadata.azureKv.length > 0) {
    entries.push([
      "azure_kv",
      metadata.azureKv.map((key) => ({
        entries: [
          ["vault_url", key.vaultUrl],
          ["name", key.name],
          ["version", key.version],
          ["created_at", key.createdAt],
          ["enc", key.enc],
        ] as [string, EmitNode][],
      })),
    ]);
  }
  if (metadata.age.length > 0) {
    entries.push(["age", metadata.age.map((key) => ({ entries: [["recipient", key.recipient], ["enc", { literal: key.enc }]] as [string, EmitNode][] }))]);
  }
  entries.push(["lastmodified", metadata.lastModified], ["mac", metadata.mac]);
  if (metadata.pgp.length > 0) {
    entries.push(["pgp", metadata.pgp.map((key) => ({ entries: [["created_at", key.createdAt], ["enc", { literal: key.enc.endsWith("\n") ? key.enc : `${key.enc}\n` }], ["fp", key.fp]] as [string, EmitNode][] }))]);
  }
  if (metadata.unencryptedSuffix !== undefined) entries.push(["unencrypted_suffix", metadata.unencryptedSuffix]);
  if (metadata.encryptedSuffix !== undefined) entries.push(["encrypted_suffix", metadata.encryptedSuffix]);
  if (metadata.unencryptedRegex !== undefined) entries.push(["unencrypted_regex", metadata.unencryptedRegex]);
  if (metadata.encryptedRegex !== undefined) entries.push(["encrypted_regex", metadata.encryptedRegex]);
  if (metadata.macOnlyEncrypted) throw new Error("flotilla does not write mac_only_encrypted files");
  entries.push(["version", metadata.version]);
  return { entries };
}

/**
 * The key path AAD of the MAC: `lastmodified` as Go's `time.Format(time.RFC3339)` prints the
 * parsed value (fractional seconds dropped, a zero offset written `Z`).
 */
export function lastModifiedAad(lastModified: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.\d+)?([Zz]|[-+]\d{2}:\d{2})$/.exec(lastModified);
  if (!match) throw new SopsError(`not an RFC 3339 time: ${JSON.stringify(lastModified)}`, "sops.lastmodified");
  const [, date, time, zone] = match as unknown as [string, string, string, string];
  const offset = zone === "z" || zone === "Z" || zone === "+00:00" || zone === "-00:00" ? "Z" : zone;
  return `${date}T${time}${offset}`;
}
