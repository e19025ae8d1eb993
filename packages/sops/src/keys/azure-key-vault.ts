import type { TokenCredential } from "@azure/core-auth";
import type { CryptographyClientOptions } from "@azure/keyvault-keys";

/** The Key Vault SDK, loaded on first use so that reading and checking files stays cheap. */
const sdk = () => import("@azure/keyvault-keys");
import type { SopsMetadata } from "../metadata.js";
import { KeyVaultAccessError, keyVaultFailure } from "./key-vault-errors.js";
import { azureKeyVaultKeyUrl, type KeyUnwrapper, type KeyWrapper } from "./types.js";

/** An Azure Key Vault key: `vaultUrl` like `https://kv-ml-prod.vault.azure.net`. */
export interface AzureKeyVaultKeyRef {
  vaultUrl: string;
  name: string;
  /** A key version; `undefined` means the current version, resolved when wrapping. */
  version?: string | undefined;
}

/** How to reach Key Vault: the credential and SDK client options (retries, TLS, challenge checks). */
export interface AzureKeyVaultAccess {
  credential: TokenCredential;
  clientOptions?: CryptographyClientOptions;
}

/** The vault URL of a Key Vault by name in Azure's public cloud: `https://<name>.vault.azure.net`. */
export function azureKeyVaultUrl(vault: string): string {
  return `https://${vault}.vault.azure.net`;
}

function normalizeVaultUrl(url: string): string {
  return url.replace(/\/+$/, "");
}

function nowRfc3339(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, "Z");
}

/**
 * Wraps the data key with an Azure Key Vault RSA key (RSA-OAEP-256, the Key Vault `encrypt`
 * operation), as sops' azkv key source does: `enc` is the result in base64url without padding.
 * When `version` is left out the key's current version is looked up first, so the file always
 * names the exact version that decrypts it.
 */
export function azureKeyVaultKey(ref: AzureKeyVaultKeyRef, access: AzureKeyVaultAccess, now: () => string = nowRfc3339): KeyWrapper {
  const vaultUrl = normalizeVaultUrl(ref.vaultUrl);
  return {
    kind: "azure_kv",
    id: azureKeyVaultKeyUrl({ vaultUrl, name: ref.name, version: ref.version ?? "" }),
    // Without a pinned version, a stanza of any version of the key is still this recipient.
    matches: (stanza) =>
      stanza.kind === "azure_kv" &&
      normalizeVaultUrl(stanza.stanza.vaultUrl).toLowerCase() === vaultUrl.toLowerCase() &&
      stanza.stanza.name === ref.name &&
      (ref.version === undefined || ref.version === "" || stanza.stanza.version === ref.version),
    async wrap(dataKey) {
      let version = ref.version;
      if (version === undefined || version === "") {
        const { KeyClient } = await sdk();
        const keys = new KeyClient(vaultUrl, access.credential, access.clientOptions);
        try {
          version = (await keys.getKey(ref.name)).properties.version;
        } catch (error) {
          throw keyVaultFailure(error, vaultUrl, `read key ${ref.name}`);
        }
        if (!version) throw new Error(`Key Vault did not report a version for key ${ref.name} in ${vaultUrl}`);
      }
      const { CryptographyClient } = await sdk();
      const client = new CryptographyClient(azureKeyVaultKeyUrl({ vaultUrl, name: ref.name, version }), access.credential, access.clientOptions);
      let result;
      try {
        result = await client.encrypt({ algorithm: "RSA-OAEP-256", plaintext: dataKey });
      } catch (error) {
        throw keyVaultFailure(error, vaultUrl, `encrypt with key ${ref.name}`);
      }
      return {
        kind: "azure_kv",
        stanza: { vaultUrl, name: ref.name, version, createdAt: now(), enc: Buffer.from(result.result).toString("base64url") },
      };
    },
  };
}

/**
 * Unwraps the data key through Key Vault's `decrypt` operation (RSA-OAEP-256) for the file's
 * azure_kv stanzas, in order. `vaults` limits which vault URLs may be contacted (default: any).
 */
export function azureKeyVaultUnwrapper(access: AzureKeyVaultAccess, vaults?: readonly string[]): KeyUnwrapper {
  const allowed = vaults === undefined ? undefined : new Set(vaults.map(normalizeVaultUrl));
  return {
    description: "Azure Key Vault",
    appliesTo: (metadata: SopsMetadata) => metadata.azureKv.length > 0,
    async unwrap(metadata: SopsMetadata) {
      const errors: string[] = [];
      let environmentOnly = true;
      const { CryptographyClient } = metadata.azureKv.length > 0 ? await sdk() : { CryptographyClient: undefined };
      for (const stanza of metadata.azureKv) {
        const vaultUrl = normalizeVaultUrl(stanza.vaultUrl);
        if (allowed !== undefined && !allowed.has(vaultUrl)) continue;
        const client = new CryptographyClient!(azureKeyVaultKeyUrl({ ...stanza, vaultUrl }), access.credential, access.clientOptions);
        try {
          const result = await client.decrypt({ algorithm: "RSA-OAEP-256", ciphertext: Buffer.from(stanza.enc, "base64url") });
          if (result.result.length !== 32) throw new Error(`Key Vault returned ${result.result.length} bytes, not a 32-byte data key`);
          return new Uint8Array(result.result);
        } catch (error) {
          const failure = keyVaultFailure(error, vaultUrl, `decrypt with key ${stanza.name}`);
          environmentOnly &&= failure.environment;
          errors.push(`${azureKeyVaultKeyUrl(stanza)}: ${failure.message}`);
        }
      }
      if (errors.length > 0) throw new KeyVaultAccessError(errors.join("; "), environmentOnly);
      return undefined;
    },
  };
}
