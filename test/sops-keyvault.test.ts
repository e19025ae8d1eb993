/**
 * The Azure Key Vault key source against a local HTTPS server honouring the Key Vault
 * encrypt/decrypt contract (test/support/keyvault-server), driven by the real
 * @azure/keyvault-keys clients with challenge authentication and a fake credential.
 */
import { constants, privateDecrypt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ageIdentities,
  ageRecipient,
  azureKeyVaultKey,
  azureKeyVaultUnwrapper,
  decryptSopsFile,
  encryptSecret,
  parseSopsDocument,
  readMetadata,
  rewrapSopsFile,
} from "@flotilla/sops";
import { ageKeygen } from "../packages/sops/test/support/age-cli.js";
import { keyVaultAccess, KEY_VAULT_RESOURCE, startKeyVaultServer, type KeyVaultServer } from "./support/keyvault-server/index.js";

let server: KeyVaultServer;

beforeAll(async () => {
  server = await startKeyVaultServer();
});

afterAll(async () => {
  await server?.close();
});

const secret = { name: "warehouse-db", namespace: "analytics-prod", data: { password: Buffer.from("correct horse battery staple") } };

describe("Azure Key Vault key source", () => {
  it("wraps the data key with RSA-OAEP-256 through Key Vault and unwraps it again", async () => {
    const key = server.keys.create("sops-prod");
    const access = keyVaultAccess(server);
    server.requests.length = 0;
    const text = await encryptSecret(secret, [azureKeyVaultKey({ vaultUrl: server.url, name: "sops-prod" }, access)]);
    const metadata = readMetadata(parseSopsDocument(text).metadata);
    expect(metadata.age).toEqual([]);
    expect(metadata.azureKv).toHaveLength(1);
    const stanza = metadata.azureKv[0]!;
    expect(stanza).toMatchObject({ vaultUrl: server.url, name: "sops-prod", version: key.version });
    expect(stanza.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(stanza.enc).toMatch(/^[A-Za-z0-9_-]+$/); // base64url without padding, as sops writes it

    // Challenge authentication: the first request carries no token and gets the 401 challenge.
    expect(server.requests[0]).toMatchObject({ authorized: false, status: 401 });
    expect(server.requests.some((r) => r.method === "POST" && r.path === `/keys/sops-prod/${key.version}/encrypt` && r.status === 200)).toBe(true);
    expect(server.requests.every((r) => r.apiVersion !== null)).toBe(true);
    expect(access.credential.scopesRequested.flat()).toContain(`${KEY_VAULT_RESOURCE}/.default`);

    const file = await decryptSopsFile(text, [azureKeyVaultUnwrapper(access)]);
    expect(file.plaintext.data).toEqual({ password: Buffer.from(secret.data.password).toString("base64") });
    expect(server.requests.some((r) => r.method === "POST" && r.path === `/keys/sops-prod/${key.version}/decrypt` && r.status === 200)).toBe(true);

    // Independently of the SDK: the stanza is RSA-OAEP-256 of the data key under the vault's key.
    const dataKey = privateDecrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" }, Buffer.from(stanza.enc, "base64url"));
    expect(dataKey.equals(Buffer.from(file.dataKey))).toBe(true);
  });

  it("keeps decrypting with the version named in the file after the key is rotated", async () => {
    const first = server.keys.create("sops-rotated");
    const access = keyVaultAccess(server);
    const text = await encryptSecret(secret, [azureKeyVaultKey({ vaultUrl: server.url, name: "sops-rotated" }, access)]);
    const second = server.keys.create("sops-rotated");
    expect(second.version).not.toBe(first.version);
    const file = await decryptSopsFile(text, [azureKeyVaultUnwrapper(access)]);
    expect(file.metadata.azureKv[0]!.version).toBe(first.version);
  });

  it("works for a principal without keys/get (Key Vault Crypto User on a pinned version)", async () => {
    const key = server.keys.create("sops-noget");
    server.denied.add("get");
    try {
      const access = keyVaultAccess(server);
      const text = await encryptSecret(secret, [azureKeyVaultKey({ vaultUrl: server.url, name: "sops-noget", version: key.version }, access)]);
      await expect(decryptSopsFile(text, [azureKeyVaultUnwrapper(access)])).resolves.toBeDefined();
    } finally {
      server.denied.delete("get");
    }
  });

  it("encrypts for age and Key Vault at once; either decrypts", async () => {
    server.keys.create("sops-mixed");
    const pair = await ageKeygen();
    const access = keyVaultAccess(server);
    const text = await encryptSecret(secret, [azureKeyVaultKey({ vaultUrl: server.url, name: "sops-mixed" }, access), ageRecipient(pair.recipient)]);
    const viaAge = await decryptSopsFile(text, [await ageIdentities(pair.identity)]);
    const viaVault = await decryptSopsFile(text, [azureKeyVaultUnwrapper(access)]);
    expect(Buffer.from(viaAge.dataKey).equals(Buffer.from(viaVault.dataKey))).toBe(true);
  });

  it("reports a refused decrypt with the key and Key Vault's error", async () => {
    server.keys.create("sops-denied");
    const access = keyVaultAccess(server);
    const text = await encryptSecret(secret, [azureKeyVaultKey({ vaultUrl: server.url, name: "sops-denied" }, access)]);
    server.denied.add("decrypt");
    try {
      await expect(decryptSopsFile(text, [azureKeyVaultUnwrapper(access)])).rejects.toThrow(/keys\/sops-denied\/[0-9a-f]+: .*not authorized/);
    } finally {
      server.denied.delete("decrypt");
    }
  });

  it("updatekeys keeps a Key Vault stanza of the unpinned key, also after a rotation, and adds an age recipient", async () => {
    server.keys.create("sops-stable");
    const access = keyVaultAccess(server);
    const vaultKey = azureKeyVaultKey({ vaultUrl: server.url, name: "sops-stable" }, access);
    const text = await encryptSecret(secret, [vaultKey]);
    const unwrappers = [azureKeyVaultUnwrapper(access)];
    expect(await rewrapSopsFile(text, unwrappers, [vaultKey])).toMatchObject({ changed: false, text });
    server.keys.create("sops-stable");
    expect(await rewrapSopsFile(text, unwrappers, [vaultKey])).toMatchObject({ changed: false });
    const pair = await ageKeygen();
    const added = await rewrapSopsFile(text, unwrappers, [vaultKey, ageRecipient(pair.recipient)]);
    expect(added).toMatchObject({ changed: true, added: [pair.recipient], removed: [] });
    expect(added.text.slice(0, added.text.indexOf("\nsops:"))).toBe(text.slice(0, text.indexOf("\nsops:")));
    expect(readMetadata(parseSopsDocument(added.text).metadata).azureKv).toEqual(readMetadata(parseSopsDocument(text).metadata).azureKv);
    await expect(decryptSopsFile(added.text, [await ageIdentities(pair.identity)])).resolves.toBeDefined();
  });

  it("reports a missing key", async () => {
    const access = keyVaultAccess(server);
    await expect(encryptSecret(secret, [azureKeyVaultKey({ vaultUrl: server.url, name: "no-such-key" }, access)])).rejects.toThrow(/was not found/);
  });
});
