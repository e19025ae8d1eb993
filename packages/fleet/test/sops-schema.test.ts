import { describe, expect, it } from "vitest";
import { clusterSpecSchema } from "../src/index.js";
import { problemsOf, specWith, validSpec } from "./fixtures.js";

const AGE = "age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29";
const FILE = "apps/fleet/src/clusters/dev.ts";

describe("sops and secrets", () => {
  it("fills defaults: age list, the Key Vault's resource group, keys", () => {
    const spec = clusterSpecSchema.parse({
      ...validSpec(),
      namespaces: [{ name: "analytics-dev" }],
      sops: { azureKeyVault: { vault: "kv-ml-dev", key: "sops" } },
      secrets: [{ namespace: "analytics-dev", name: "warehouse-db" }],
    });
    expect(spec.sops).toEqual({ age: [], azureKeyVault: { vault: "kv-ml-dev", key: "sops", version: undefined, resourceGroup: "rg-ml-dev" } });
    expect(spec.secrets).toEqual([{ namespace: "analytics-dev", name: "warehouse-db", keys: [] }]);
    expect(clusterSpecSchema.parse(validSpec()).sops).toBeUndefined();
  });

  it("names the field and the fix for bad recipients", () => {
    const problems = problemsOf(specWith((s) => (s.sops = { age: ["age1nope", AGE, AGE, "AGE-SECRET-KEY-1QQQQ"], azureKeyVault: { vault: "kv", key: "sops key", version: "latest" } })));
    expect(problems).toEqual([
      { file: FILE, path: "sops.age[0]", message: expect.stringContaining("expected an age recipient") },
      { file: FILE, path: "sops.age[2]", message: expect.stringContaining("is already listed at [1]") },
      { file: FILE, path: "sops.age[3]", message: expect.stringContaining("age PRIVATE key") },
      { file: FILE, path: "sops.azureKeyVault.key", message: expect.stringContaining("Key Vault key or secret name may contain only") },
      { file: FILE, path: "sops.azureKeyVault.vault", message: expect.stringContaining("Key Vault name must be 3-24 characters") },
      { file: FILE, path: "sops.azureKeyVault.version", message: expect.stringContaining("32 hex digits") },
    ]);
    expect(problems.some((p) => p.message.includes("AGE-SECRET-KEY-1QQQQ"))).toBe(false);
  });

  it("requires at least one recipient", () => {
    expect(problemsOf(specWith((s) => (s.sops = { age: [] })))).toEqual([{ file: FILE, path: "sops", message: expect.stringContaining("list at least one recipient") }]);
  });

  it("requires sops for secrets, rendered namespaces and unique references", () => {
    const problems = problemsOf(
      specWith((s) => {
        s.namespaces = [{ name: "analytics-dev" }];
        s.secrets = [
          { namespace: "analytics-dev", name: "db" },
          { namespace: "analytics-dev", name: "db" },
          { namespace: "other", name: "x", keys: ["bad key"] },
        ];
      }),
    );
    expect(problems).toEqual([
      { file: FILE, path: "secrets[1]", message: expect.stringContaining('secret "analytics-dev/db" is already listed at [0]') },
      { file: FILE, path: "secrets[2].keys[0]", message: expect.stringContaining("expected a Secret key") },
      { file: FILE, path: "secrets[2].namespace", message: expect.stringContaining('namespace "other" is not rendered by this cluster') },
      { file: FILE, path: "sops", message: expect.stringContaining("required when secrets are listed") },
    ]);
  });
});
