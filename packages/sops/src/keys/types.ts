import type { AgeKeyStanza, AzureKeyVaultStanza, SopsMetadata } from "../metadata.js";

/** A stanza written to the `sops` block for one recipient. */
export type KeyStanza = { kind: "age"; stanza: AgeKeyStanza } | { kind: "azure_kv"; stanza: AzureKeyVaultStanza };

/**
 * Something the data key is wrapped for: an age recipient or an Azure Key Vault key. `id` names
 * it stably (`age1…`, or the Key Vault key URL) so that re-wrapping keeps unchanged stanzas.
 */
export interface KeyWrapper {
  readonly kind: KeyStanza["kind"];
  /** Stable identifier, shown in messages. */
  readonly id: string;
  /** Whether an existing stanza was written for this recipient (so it can be kept as it is). */
  matches(stanza: KeyStanza): boolean;
  wrap(dataKey: Uint8Array): Promise<KeyStanza>;
}

/**
 * Something that can recover the data key from a file's `sops` block (age identities, a Key
 * Vault credential, or in tests gpg). Returns `undefined` when none of the file's stanzas is
 * for it; throws when one is but unwrapping fails.
 */
export interface KeyUnwrapper {
  /** Shown in errors, e.g. "age identities (2)". */
  readonly description: string;
  /**
   * Whether the file has a stanza of this unwrapper's kind. One that does not apply is neither
   * tried nor named in errors (an age-only file never mentions Key Vault). Default: applies.
   */
  appliesTo?(metadata: SopsMetadata): boolean;
  unwrap(metadata: SopsMetadata): Promise<Uint8Array | undefined>;
}

/** The identifier of a stanza, comparable with {@link KeyWrapper.id}. */
export function stanzaId(stanza: KeyStanza): string {
  return stanza.kind === "age" ? stanza.stanza.recipient : azureKeyVaultKeyUrl(stanza.stanza);
}

/** `https://<vault>/keys/<name>/<version>`, the way sops names an Azure Key Vault key. */
export function azureKeyVaultKeyUrl(key: { vaultUrl: string; name: string; version: string }): string {
  return `${key.vaultUrl.replace(/\/+$/, "")}/keys/${key.name}${key.version ? `/${key.version}` : ""}`;
}
