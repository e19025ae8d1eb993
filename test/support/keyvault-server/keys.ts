/**
 * In-memory Key Vault keys: RSA key pairs (node:crypto) with versions, and the RSA operations
 * Key Vault performs for `encrypt` / `decrypt` (RSA-OAEP-256 = OAEP with SHA-256 and MGF1-SHA-256,
 * RSA-OAEP = SHA-1, RSA1_5 = PKCS#1 v1.5).
 */
import { constants, createPrivateKey, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes, type KeyObject } from "node:crypto";

export type KeyAlgorithm = "RSA-OAEP-256" | "RSA-OAEP" | "RSA1_5";
export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ["RSA-OAEP-256", "RSA-OAEP", "RSA1_5"];

export interface KeyVersion {
  name: string;
  version: string;
  privateKey: KeyObject;
  publicJwk: { kty: string; n: string; e: string };
  created: number;
  enabled: boolean;
  keyOps: string[];
}

function padding(algorithm: KeyAlgorithm): { padding: number; oaepHash?: string } {
  if (algorithm === "RSA1_5") return { padding: constants.RSA_PKCS1_PADDING };
  return { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: algorithm === "RSA-OAEP-256" ? "sha256" : "sha1" };
}

export function rsaEncrypt(key: KeyVersion, algorithm: KeyAlgorithm, plaintext: Buffer): Buffer {
  return publicEncrypt({ key: key.privateKey, ...padding(algorithm) }, plaintext);
}

export function rsaDecrypt(key: KeyVersion, algorithm: KeyAlgorithm, ciphertext: Buffer): Buffer {
  return privateDecrypt({ key: key.privateKey, ...padding(algorithm) }, ciphertext);
}

export class KeyStore {
  private readonly keys = new Map<string, KeyVersion[]>();

  /** Creates a key (or a new version of it): RSA 2048, encrypt/decrypt/wrapKey/unwrapKey. */
  create(name: string, options: { keyOps?: string[]; privateKeyPem?: string } = {}): KeyVersion {
    const privateKey = options.privateKeyPem
      ? createPrivateKey(options.privateKeyPem)
      : generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const jwk = privateKey.export({ format: "jwk" }) as { kty: string; n: string; e: string };
    const version: KeyVersion = {
      name,
      version: randomBytes(16).toString("hex"),
      privateKey,
      publicJwk: { kty: jwk.kty, n: jwk.n, e: jwk.e },
      created: Math.floor(Date.now() / 1000),
      enabled: true,
      keyOps: options.keyOps ?? ["encrypt", "decrypt", "wrapKey", "unwrapKey"],
    };
    const versions = this.keys.get(name) ?? [];
    versions.push(version);
    this.keys.set(name, versions);
    return version;
  }

  /** A version, or the latest one when `version` is empty. */
  get(name: string, version: string): KeyVersion | undefined {
    const versions = this.keys.get(name);
    if (!versions) return undefined;
    return version === "" ? versions.at(-1) : versions.find((entry) => entry.version === version);
  }
}
