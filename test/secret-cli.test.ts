/**
 * The secret CLI in-process: Key Vault recipients through the real SDK against the local Key Vault
 * server, every value source, usage errors, and the committed .sops.yaml being current.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { azureKeyVaultUnwrapper, decryptSopsFile } from "@flotilla/sops";
import { COMMAND_HINTS } from "../apps/fleet/src/cli/command-hints.js";
import { runSecretCli } from "../apps/secrets/src/cli.js";
import type { SecretCliDeps } from "../apps/secrets/src/context.js";
import { keyVaultAccess, startKeyVaultServer, type KeyVaultServer } from "./support/keyvault-server/index.js";
import { validCluster, writeFleet } from "./support/fixture-fleet.js";
import { repoRoot } from "./support/synth-cli.js";

let server: KeyVaultServer;
let fleet: string;
let files: string;

beforeAll(async () => {
  server = await startKeyVaultServer();
  server.keys.create("sops");
  fleet = await writeFleet({
    "vaulted.mjs": { ...validCluster("vaulted"), namespaces: [{ name: "team" }], sops: { azureKeyVault: { vault: "kv-vaulted", key: "sops" } } },
  });
  files = await mkdtemp(join(tmpdir(), "flotilla-secret-values-"));
});
afterAll(async () => {
  await server?.close();
  await rm(fleet, { recursive: true, force: true });
  await rm(files, { recursive: true, force: true });
});

function run(args: string[], stdin = "", localVault = true) {
  const out: string[] = [];
  const err: string[] = [];
  const deps: SecretCliDeps = {
    commands: COMMAND_HINTS,
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    env: {},
    repoRoot,
    stdin: { isTTY: false, readAll: async () => Buffer.from(stdin), readHidden: async () => stdin },
    azure: async () => keyVaultAccess(server),
    ...(localVault ? { vaultUrl: () => server.url } : {}),
  };
  return runSecretCli(args, deps).then((code) => ({ code, stdout: out.join("\n"), stderr: err.join("\n") }));
}

describe("secret CLI", () => {
  it("encrypts with the cluster's Key Vault key; Key Vault decrypts it; every value source works", async () => {
    await writeFile(join(files, "ca.crt"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    await writeFile(join(files, "app.env"), "# settings\nAPI_TOKEN=tok=en with = signs\n\nREGION=westeurope\n");
    const result = await run(
      ["--fleet", fleet, "set", "vaulted", "team/app", "--from-literal", "user=svc", "--from-file", join(files, "ca.crt"), "--from-file", `bundle=${join(files, "ca.crt")}`, "--from-env-file", join(files, "app.env"), "--from-stdin", "password"],
      "from stdin\n",
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/svc|tok=en|from stdin|BEGIN CERT/);
    const text = await readFile(join(fleet, "secrets/vaulted/team/app.sops.yaml"), "utf8");
    expect(text).toContain(`  azure_kv:\n    - vault_url: ${server.url}\n      name: sops\n`);
    const file = await decryptSopsFile(text, [azureKeyVaultUnwrapper(keyVaultAccess(server))]);
    const data = Object.fromEntries(Object.entries(file.plaintext.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]));
    expect(data).toEqual({
      API_TOKEN: "tok=en with = signs",
      REGION: "westeurope",
      bundle: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
      "ca.crt": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
      password: "from stdin\n",
      user: "svc",
    });
    expect(await readFile(join(fleet, ".sops.yaml"), "utf8")).toContain(`azure_keyvault: ${server.url}/keys/sops\n`);
  });

  it("reports usage errors and problems with exit codes, without values", async () => {
    expect(await run(["--fleet", fleet, "set", "nope", "team/x", "--from-literal", "a=secret-value"])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown cluster "nope"; the fleet has vaulted') });
    expect(await run(["--fleet", fleet, "set", "vaulted", "other/x", "--from-literal", "a=b"])).toMatchObject({ code: 1, stderr: expect.stringContaining('namespace "other" is not rendered by cluster vaulted') });
    expect(await run(["--fleet", fleet, "set", "vaulted", "team/x"])).toMatchObject({ code: 2, stderr: expect.stringContaining("no values") });
    const twice = await run(["--fleet", fleet, "set", "vaulted", "team/x", "--from-literal", "a=secret-value", "--from-literal", "a=other-secret"]);
    expect(twice).toMatchObject({ code: 2, stderr: expect.stringContaining('key "a" is given more than once') });
    expect(twice.stderr).not.toContain("secret-value");
    expect(await run(["--fleet", fleet, "set", "vaulted", "team/x", "--from-literal", "bad key=v"])).toMatchObject({ code: 2, stderr: expect.stringContaining('invalid key "bad key"') });
    expect(await run(["--fleet", fleet, "set", "vaulted", "Team/X", "--from-literal", "a=b"])).toMatchObject({ code: 2, stderr: expect.stringContaining("expected <namespace>/<name>") });
    expect(await run(["--fleet", fleet, "updatekeys"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--all") });
  });

  it("the committed .sops.yaml matches the example fleet's recipients", async () => {
    const result = await run(["sops-config", "--check"], "", false);
    expect(result.stderr).toBe("");
    expect(result).toMatchObject({ code: 0, stdout: ".sops.yaml is up to date." });
  });
});
