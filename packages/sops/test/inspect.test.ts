import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ageRecipient, encryptSecret, inspectEncryptedSecret } from "../src/index.js";

const VECTORS = join(import.meta.dirname, "vectors");
const RECIPIENT = "age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29";

describe("inspectEncryptedSecret (no keys)", () => {
  it("accepts Secrets written by sops for Flux and by the writer", async () => {
    const flux = inspectEncryptedSecret(readFileSync(join(VECTORS, "flux-kustomize-controller/global-secret.yaml"), "utf8"));
    expect(flux).toMatchObject({ ok: true, info: { name: "global-age-secret", namespace: "default", dataKeys: ["key"] } });
    const ours = inspectEncryptedSecret(await encryptSecret({ name: "db", namespace: "team", data: { b: Buffer.from("1"), a: Buffer.from("2") } }, [ageRecipient(RECIPIENT)]));
    expect(ours).toMatchObject({ ok: true, info: { name: "db", namespace: "team", dataKeys: ["a", "b"] } });
  });

  it("refuses plaintext, a missing sops block, encrypted metadata and a missing MAC; key order is free", async () => {
    const plain = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\nstringData:\n  k: v\n";
    expect(inspectEncryptedSecret(plain)).toEqual({ ok: false, problems: [{ path: "sops", message: expect.stringContaining("no `sops` metadata") }] });

    const ours = await encryptSecret({ name: "db", namespace: "team", data: { k: Buffer.from("v") } }, [ageRecipient(RECIPIENT)]);
    const leaked = ours.replace(/ {2}k: ENC\[[^\]]+\]/, "  k: dg==");
    expect(inspectEncryptedSecret(leaked)).toEqual({ ok: false, problems: [{ path: "data.k", message: expect.stringContaining("found plaintext") }] });

    const allEncrypted = ours.replace("  encrypted_regex: ^(data|stringData)$\n", "  unencrypted_suffix: _unencrypted\n");
    const problems = inspectEncryptedSecret(allEncrypted);
    expect(problems.ok).toBe(false);
    expect(!problems.ok && problems.problems.map((p) => p.path)).toEqual(expect.arrayContaining(["apiVersion", "metadata.name"]));

    const unsorted = ours.replace(/^(kind: Secret\n)([\s\S]*?)(^type: Opaque\n)/m, "$3$2$1");
    expect(inspectEncryptedSecret(unsorted)).toMatchObject({ ok: true });

    const noMac = ours.replace(/^ {2}mac: .*$/m, '  mac: ""');
    expect(inspectEncryptedSecret(noMac)).toEqual({ ok: false, problems: [{ path: "sops.mac", message: expect.stringContaining("no MAC") }] });
    expect(inspectEncryptedSecret(readFileSync(join(VECTORS, "getsops-sops/example.yaml"), "utf8")).ok).toBe(false);
  });
});
