/**
 * The reader against files written by real sops (vendored from ../shared/sops-vectors into test/vectors, see its SOURCES.md):
 * every vector with an expected/ file decrypts to its expected plaintext, values, types and data
 * key; the no-MAC vector is refused. age data keys are unwrapped with age-encryption, PGP ones
 * with the real gpg CLI.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ageIdentities, decryptSopsFile, type KeyUnwrapper, parseSopsDocument, readMetadata, SopsError } from "../src/index.js";
import { gpgHome, type GpgHome } from "./support/gpg.js";

const VECTORS = join(import.meta.dirname, "vectors");
const FLUX_KEYS = join(VECTORS, "flux-kustomize-controller/keys");

interface Expected {
  file: string;
  version: string;
  lastmodified: string;
  dataKey: string;
  values: { path: string; type: string; value: unknown }[];
  plaintext: unknown;
  macOk: boolean;
}

const expectedFiles = readdirSync(join(VECTORS, "expected")).filter((name) => name.endsWith(".json")).sort();

let gpg: GpgHome;
let unwrappers: KeyUnwrapper[];

beforeAll(async () => {
  const ageKeys = ["age.txt", "age-global.txt", "age-pq.txt"].map((name) => readFileSync(join(FLUX_KEYS, name), "utf8")).join("\n");
  gpg = await gpgHome([join(FLUX_KEYS, "pgp.asc"), join(VECTORS, "getsops-sops/keys/sops_functional_tests_key.asc")]);
  unwrappers = [await ageIdentities(ageKeys), gpg.unwrapper];
});

afterAll(async () => {
  await gpg?.close();
});

function plainValue(value: { type: string; value: unknown }): unknown {
  return value.type === "int" ? Number(value.value) : value.value;
}

describe("sops vectors", () => {
  it("covers every expected/ file", () => {
    expect(expectedFiles.length).toBeGreaterThanOrEqual(15);
  });

  for (const name of expectedFiles) {
    it(`decrypts ${name}`, async () => {
      const expected = JSON.parse(readFileSync(join(VECTORS, "expected", name), "utf8")) as Expected;
      const text = readFileSync(join(VECTORS, expected.file), "utf8");
      expect(expected.macOk).toBe(true);
      const file = await decryptSopsFile(text, unwrappers);
      expect(Buffer.from(file.dataKey).toString("hex")).toBe(expected.dataKey);
      expect(file.plaintext).toEqual(expected.plaintext);
      expect(file.metadata.version).toBe(expected.version);
      expect(file.metadata.lastModified).toBe(expected.lastmodified);
      const encrypted = file.leaves
        .filter((leaf) => leaf.encrypted)
        .map((leaf) => ({ path: leaf.path, type: leaf.type, value: leaf.value.type === "int" ? Number(leaf.value.value) : "value" in leaf.value ? leaf.value.value : null }));
      expect(encrypted).toEqual(expected.values.map((v) => ({ path: v.path, type: v.type, value: plainValue(v) })));
    });
  }

  it("refuses the no-MAC vector after decrypting its values", async () => {
    const text = readFileSync(join(VECTORS, "getsops-sops/functional-tests/no_mac.yaml"), "utf8");
    const metadata = readMetadata(parseSopsDocument(text).metadata);
    expect(metadata.mac).toBe("");
    const attempt = decryptSopsFile(text, unwrappers);
    await expect(attempt).rejects.toBeInstanceOf(SopsError);
    await expect(attempt).rejects.toThrow(/sops\.mac: the file has no MAC/);
  });
});
