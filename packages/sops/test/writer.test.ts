/**
 * Files written by the writer: the real age CLI recovers the data key from every recipient's
 * stanza, the reader decrypts them and checks the MAC, and any tampering is refused.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  ageIdentities,
  ageRecipient,
  decryptSopsFile,
  encryptSecret,
  inspectEncryptedSecret,
  knownDataKey,
  parseSopsDocument,
  readMetadata,
  SopsError,
  type SecretInput,
} from "../src/index.js";
import { ageDecrypt, ageKeygen } from "./support/age-cli.js";

const secret: SecretInput = {
  name: "warehouse-db",
  namespace: "analytics-dev",
  labels: { "app.kubernetes.io/part-of": "analytics", "contoso.com/rotated": "true" },
  data: { password: Buffer.from("s3cr3t: with # and ünïcödé"), username: Buffer.from("analytics"), "ca.crt": randomBytes(64) },
};

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

describe("encryptSecret", () => {
  it("writes a file whose data key the real age CLI recovers for one recipient", async () => {
    const pair = await ageKeygen();
    const text = await encryptSecret(secret, [ageRecipient(pair.recipient)]);
    const metadata = readMetadata(parseSopsDocument(text).metadata);
    expect(metadata.age.map((key) => key.recipient)).toEqual([pair.recipient]);
    const dataKey = await ageDecrypt(metadata.age[0]!.enc, pair.identity);
    expect(dataKey.length).toBe(32);

    const viaCli = await decryptSopsFile(text, [knownDataKey(dataKey)]);
    const viaReader = await decryptSopsFile(text, [await ageIdentities(pair.identity)]);
    expect(Buffer.from(viaReader.dataKey).equals(dataKey)).toBe(true);
    for (const file of [viaCli, viaReader]) {
      expect(file.plaintext).toEqual({
        apiVersion: "v1",
        data: { "ca.crt": base64(secret.data["ca.crt"]!), password: base64(secret.data.password!), username: base64(secret.data.username!) },
        kind: "Secret",
        metadata: { labels: secret.labels, name: "warehouse-db", namespace: "analytics-dev" },
        type: "Opaque",
      });
    }
    expect(file0Leaves(viaReader)).toEqual(["data:ca.crt:", "data:password:", "data:username:"]);
  });

  it("wraps the same data key for several recipients, each recoverable with age", async () => {
    const pairs = await Promise.all([ageKeygen(), ageKeygen(), ageKeygen()]);
    const text = await encryptSecret(secret, pairs.map((pair) => ageRecipient(pair.recipient)));
    const metadata = readMetadata(parseSopsDocument(text).metadata);
    expect(metadata.age.map((key) => key.recipient)).toEqual(pairs.map((pair) => pair.recipient));
    const keys = await Promise.all(pairs.map((pair, i) => ageDecrypt(metadata.age[i]!.enc, pair.identity)));
    for (const key of keys) expect(key.equals(keys[0]!)).toBe(true);
    for (const pair of pairs) {
      const file = await decryptSopsFile(text, [await ageIdentities(pair.identity)]);
      expect(Buffer.from(file.dataKey).equals(keys[0]!)).toBe(true);
    }
    // A key that is not a recipient cannot decrypt it.
    const stranger = await ageKeygen();
    await expect(decryptSopsFile(text, [await ageIdentities(stranger.identity)])).rejects.toThrow(/could not recover the data key/);
  });

  it("never writes the plaintext or its base64 form", async () => {
    const pair = await ageKeygen();
    const text = await encryptSecret(secret, [ageRecipient(pair.recipient)]);
    expect(text).not.toContain("s3cr3t");
    expect(text).not.toContain(base64(secret.data.password!));
    expect(text).not.toContain(base64(secret.data.username!));
    expect(text).toMatch(/^ {2}password: ENC\[AES256_GCM,data:[^,]+,iv:[^,]+,tag:[^,]+,type:str\]$/m);
  });

  it("lays the file out as sops 3.10 does, keys sorted, recipients in the sops block", async () => {
    const pair = await ageKeygen();
    const text = await encryptSecret(secret, [ageRecipient(pair.recipient)], { lastModified: "2026-01-02T03:04:05Z" });
    const lines = text.split("\n");
    expect(lines.filter((line) => /^\S/.test(line)).map((line) => line.split(":")[0])).toEqual(["apiVersion", "data", "kind", "metadata", "type", "sops"]);
    expect(text).toContain(`    contoso.com/rotated: "true"\n`);
    expect(text).toContain(`sops:\n  age:\n    - recipient: ${pair.recipient}\n      enc: |\n        -----BEGIN AGE ENCRYPTED FILE-----\n`);
    expect(text).toMatch(/\n {2}lastmodified: "2026-01-02T03:04:05Z"\n {2}mac: ENC\[AES256_GCM,[^\]]+type:str\]\n {2}encrypted_regex: \^\(data\|stringData\)\$\n {2}version: 3\.10\.2\n$/);
    expect(inspectEncryptedSecret(text)).toMatchObject({ ok: true });
  });
});

function file0Leaves(file: { leaves: { path: string; encrypted: boolean }[] }): string[] {
  return file.leaves.filter((leaf) => leaf.encrypted).map((leaf) => leaf.path);
}

describe("tampering", () => {
  async function fixture() {
    const pair = await ageKeygen();
    const text = await encryptSecret(secret, [ageRecipient(pair.recipient)]);
    const unwrappers = [await ageIdentities(pair.identity)];
    await expect(decryptSopsFile(text, unwrappers)).resolves.toBeDefined();
    return { text, unwrappers };
  }

  const encOf = (text: string, key: string) => new RegExp(`^ {2}${key.replace(".", "\\.")}: (ENC\\[[^\\]]+\\])$`, "m").exec(text)![1]!;

  it("detects a changed ciphertext byte", async () => {
    const { text, unwrappers } = await fixture();
    const enc = encOf(text, "password");
    const data = /data:([^,]+)/.exec(enc)![1]!;
    const bytes = Buffer.from(data, "base64");
    bytes[0] = bytes[0]! ^ 1;
    const tampered = text.replace(enc, enc.replace(data, bytes.toString("base64")));
    await expect(decryptSopsFile(tampered, unwrappers)).rejects.toThrow(/data\.password: could not decrypt/);
  });

  it("detects a value moved to another key (the key path is authenticated)", async () => {
    const { text, unwrappers } = await fixture();
    const password = encOf(text, "password");
    const username = encOf(text, "username");
    const swapped = text.replace(password, "@@").replace(username, password).replace("@@", username);
    await expect(decryptSopsFile(swapped, unwrappers)).rejects.toThrow(/could not decrypt/);
    const renamed = text.replace("  password: ENC", "  passw0rd: ENC");
    await expect(decryptSopsFile(renamed, unwrappers)).rejects.toThrow(/data\.passw0rd: could not decrypt/);
  });

  it("detects a changed plaintext field, a removed value and reordered keys through the MAC", async () => {
    const { text, unwrappers } = await fixture();
    await expect(decryptSopsFile(text.replace("name: warehouse-db", "name: warehouse-db2"), unwrappers)).rejects.toThrow(/MAC mismatch/);
    await expect(decryptSopsFile(text.replace(/^ {2}ca\.crt: .*\n/m, ""), unwrappers)).rejects.toThrow(/MAC mismatch/);
    const reordered = text.replace(/^(kind: Secret\n)([\s\S]*?)(^type: Opaque\n)/m, "$3$2$1");
    expect(reordered).not.toBe(text);
    await expect(decryptSopsFile(reordered, unwrappers)).rejects.toThrow(/MAC mismatch/);
  });

  it("detects a changed MAC, lastmodified or a MAC from another file", async () => {
    const { text, unwrappers } = await fixture();
    const mac = /^ {2}mac: (ENC\[[^\]]+\])$/m.exec(text)![1]!;
    const macData = /data:([^,]+)/.exec(mac)![1]!;
    const flipped = Buffer.from(macData, "base64");
    flipped[5] = flipped[5]! ^ 0x20;
    await expect(decryptSopsFile(text.replace(macData, flipped.toString("base64")), unwrappers)).rejects.toThrow(/sops\.mac: could not decrypt/);
    await expect(decryptSopsFile(text.replace(/lastmodified: "[^"]+"/, 'lastmodified: "2001-01-01T00:00:00Z"'), unwrappers)).rejects.toThrow(
      /sops\.mac: could not decrypt/,
    );
    await expect(decryptSopsFile(text.replace(/^ {2}mac: .*$/m, '  mac: ""'), unwrappers)).rejects.toThrow(/no MAC/);
    await expect(decryptSopsFile(text.replace(/^ {2}mac: .*$/m, ""), unwrappers)).rejects.toBeInstanceOf(SopsError);
  });
});
