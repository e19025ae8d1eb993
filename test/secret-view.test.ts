/**
 * `secret view` in-process (runSecretCli): age keys made by the real `age-keygen`, read as sops
 * reads them (SOPS_AGE_KEY_FILE, SOPS_AGE_KEY, the default keys file); Azure Key Vault through the
 * real SDK against the local Key Vault server; plaintext only to a terminal; errors that name only
 * the keys a file has; a Key Vault network failure as one line, exit 2; key files and plaintext
 * inputs ignored by git.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireLock } from "@flotilla/lock";
import { COMMAND_HINTS } from "../apps/fleet/src/cli/command-hints.js";
import { runSecretCli } from "../apps/secrets/src/cli.js";
import type { SecretCliDeps } from "../apps/secrets/src/context.js";
import { ageKeygen, type AgeKeyPair } from "../packages/sops/test/support/age-cli.js";
import { secretCli } from "./support/secret-cli.js";
import { keyVaultAccess, startKeyVaultServer, type KeyVaultServer } from "./support/keyvault-server/index.js";
import { validCluster, writeFleet } from "./support/fixture-fleet.js";
import { repoRoot } from "./support/synth-cli.js";

let work: string;
let fleet: string;
let owner: AgeKeyPair;
let stranger: AgeKeyPair;
let vault: KeyVaultServer;

beforeAll(async () => {
  [owner, stranger] = await Promise.all([ageKeygen(), ageKeygen()]);
  vault = await startKeyVaultServer();
  vault.keys.create("sops");
  fleet = await writeFleet({
    "aged.mjs": { ...validCluster("aged"), namespaces: [{ name: "team" }], sops: { age: [owner.recipient] } },
    "vaulted.mjs": { ...validCluster("vaulted", "5c1d9e7f-3a2b-4c6d-8e9f-0a1b2c3d4e5f"), namespaces: [{ name: "team" }], sops: { azureKeyVault: { vault: "kv-vaulted", key: "sops" } } },
  });
  work = await mkdtemp(join(tmpdir(), "flotilla-secret-view-"));
  await writeFile(join(work, "owner.txt"), owner.identity, { mode: 0o600 });
  await writeFile(join(work, "stranger.txt"), stranger.identity, { mode: 0o600 });
});
afterAll(async () => {
  await vault?.close();
  await rm(fleet, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

interface RunOptions {
  env?: Record<string, string>;
  tty?: boolean;
  stdin?: string;
  vaultServer?: KeyVaultServer;
  lockWaitMs?: number;
}

async function run(args: string[], options: RunOptions = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const raw: Buffer[] = [];
  const server = options.vaultServer ?? vault;
  const deps: SecretCliDeps = {
    commands: COMMAND_HINTS,
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    stdoutRaw: (bytes) => raw.push(Buffer.from(bytes)),
    stdoutIsTTY: options.tty ?? true,
    env: options.env ?? {},
    repoRoot,
    stdin: { isTTY: false, readAll: async () => Buffer.from(options.stdin ?? ""), readHidden: async () => options.stdin ?? "" },
    azure: async () => keyVaultAccess(server),
    vaultUrl: () => server.url,
    ...(options.lockWaitMs !== undefined ? { lockWaitMs: options.lockWaitMs } : {}),
  };
  const code = await runSecretCli(["--fleet", fleet, ...args], deps);
  return { code, stdout: out.join("\n"), stderr: err.join("\n"), raw: Buffer.concat(raw) };
}

describe("secret view", () => {
  it("decrypts an age file with SOPS_AGE_KEY_FILE, SOPS_AGE_KEY or sops' default keys file; --key prints the value's bytes", async () => {
    const binary = join(work, "blob.bin");
    await writeFile(binary, Buffer.from([0xff, 0x00, 0xfe]));
    const set = await run(["set", "aged", "team/app", "--from-stdin", "password", "--from-literal", "user=svc", "--from-file", `blob=${binary}`], { stdin: "s3cret pass\n" });
    expect(set.stderr).toBe("");
    expect(set.code).toBe(0);

    const viewed = await run(["view", "aged", "team/app"], { env: { SOPS_AGE_KEY_FILE: join(work, "owner.txt") } });
    expect(viewed.stderr).toBe("");
    expect(viewed.code).toBe(0);
    expect(viewed.stdout).toBe(
      ["apiVersion: v1", "kind: Secret", "metadata:", "  name: app", "  namespace: team", "type: Opaque", "stringData:", "  password: |", "    s3cret pass", "  user: svc", "data:", "  blob: /wD+"].join("\n"),
    );
    const json = await run(["view", "aged", "team/app", "-o", "json"], { env: { SOPS_AGE_KEY: owner.identity } });
    expect(JSON.parse(json.stdout)).toMatchObject({ kind: "Secret", stringData: { password: "s3cret pass\n", user: "svc" }, data: { blob: "/wD+" } });

    const config = join(work, "config");
    await mkdir(join(config, "sops", "age"), { recursive: true });
    await writeFile(join(config, "sops", "age", "keys.txt"), owner.identity, { mode: 0o600 });
    const key = await run(["view", "aged", "team/app", "--key", "password"], { env: { XDG_CONFIG_HOME: config } });
    expect(key.code).toBe(0);
    expect(key.raw.toString("utf8")).toBe("s3cret pass\n");
    const blob = await run(["view", "aged", "team/app", "--key", "blob"], { env: { XDG_CONFIG_HOME: config } });
    expect([...blob.raw]).toEqual([0xff, 0x00, 0xfe]);
    const missing = await run(["view", "aged", "team/app", "--key", "nope"], { env: { XDG_CONFIG_HOME: config } });
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringMatching(/has no key "nope"; its keys are blob, password, user$/) });
  });

  it("prints plaintext only to a terminal: a pipe is refused (exit 2) unless --pipe", async () => {
    const env = { SOPS_AGE_KEY_FILE: join(work, "owner.txt") };
    const piped = await run(["view", "aged", "team/app"], { env, tty: false });
    expect(piped.code).toBe(2);
    expect(piped.stderr).toBe("secret: refusing to print decrypted values: stdout is not a terminal (a pipe or a file would keep the plaintext); pass --pipe to do it deliberately");
    expect(piped.stdout).toBe("");
    const deliberate = await run(["view", "aged", "team/app", "--pipe"], { env, tty: false });
    expect(deliberate.code).toBe(0);
    expect(deliberate.stdout).toContain("user: svc");
  });

  it("an age-only file's errors name the file and only age keys, never Key Vault", async () => {
    const cases = [
      await run(["view", "aged", "team/app"], { env: { SOPS_AGE_KEY_FILE: join(work, "stranger.txt") } }),
      await run(["view", "aged", "team/app"]),
      await run(["set", "aged", "team/app", "--from-literal", "extra=x"], { env: { SOPS_AGE_KEY_FILE: join(work, "stranger.txt") } }),
    ];
    for (const result of cases) {
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/secrets\/aged\/team\/app\.sops\.yaml/);
      expect(result.stderr).toContain(`the file is encrypted for age ${owner.recipient}`);
      expect(result.stderr).toContain("SOPS_AGE_KEY_FILE / SOPS_AGE_KEY");
      expect(result.stderr).not.toMatch(/key ?vault|azure|azure_kv/i);
      expect(result.stderr.split("\n")).toHaveLength(1);
    }
    expect(cases[1]!.stderr).toContain("no decryption key for them was given");
    expect(await run(["view", "aged", "team/none"], { env: { SOPS_AGE_KEY_FILE: join(work, "owner.txt") } })).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("cluster aged has no Secret team/none"),
    });
  });

  it("decrypts through Key Vault; an unreachable vault is one line with cause and fix (exit 2), for view and set alike, never a stack trace", async () => {
    const set = await run(["set", "vaulted", "team/db", "--from-literal", "password=pw-1"]);
    expect(set.code).toBe(0);
    expect((await run(["view", "vaulted", "team/db", "--key", "password"])).raw.toString()).toBe("pw-1");

    const gone = await startKeyVaultServer();
    gone.keys.create("sops");
    const written = await run(["set", "vaulted", "team/gone", "--from-literal", "password=pw-2"], { vaultServer: gone });
    expect(written.code).toBe(0);
    const host = new URL(gone.url).host;
    await gone.close();

    const view = await run(["view", "vaulted", "team/gone"], { vaultServer: gone });
    expect(view.code).toBe(2);
    expect(view.stderr.split("\n")).toHaveLength(1);
    expect(view.stderr).toContain(`cannot reach Azure Key Vault ${host} to decrypt with key sops (ECONNREFUSED): check the vault name, your network, DNS and proxy (HTTPS_PROXY)`);
    expect(view.stderr).not.toMatch(/\n\s+at |RestError/);

    const setAgain = await run(["set", "vaulted", "team/other", "--from-literal", "password=pw-3"], { vaultServer: gone });
    expect(setAgain.code).toBe(2);
    expect(setAgain.stderr).toBe(`secret: cannot reach Azure Key Vault ${host} to read key sops (ECONNREFUSED): check the vault name, your network, DNS and proxy (HTTPS_PROXY)`);
  });

  it("the built CLI: a pipe is refused (exit 2, nothing on stdout); --pipe decrypts with SOPS_AGE_KEY_FILE", () => {
    const env = { SOPS_AGE_KEY_FILE: join(work, "owner.txt") };
    const refused = secretCli(["--fleet", fleet, "view", "aged", "team/app"], { env });
    expect(refused).toMatchObject({ code: 2, stdout: "" });
    expect(refused.stderr).toContain("stdout is not a terminal");
    const piped = secretCli(["--fleet", fleet, "view", "aged", "team/app", "--key", "user", "--pipe"], { env });
    expect(piped).toMatchObject({ code: 0, stdout: "svc", stderr: "" });
  });

  it("secret set and updatekeys hold the secrets directory's lock: a second writer waits, then stops (exit 2) naming the holder, writing nothing", async () => {
    const held = await acquireLock(join(fleet, "secrets"), { operation: "synth (test)" });
    try {
      const set = await run(["set", "aged", "team/locked", "--from-literal", "a=b"], { lockWaitMs: 200 });
      expect(set.code).toBe(2);
      expect(set.stderr).toMatch(/^Waiting for the lock of .*secrets \(held by synth \(test\), pid \d+/m);
      expect(set.stderr).toMatch(/^secret: .*secrets is locked by synth \(test\), pid \d+ .* Nothing was written\.$/m);
      expect(existsSync(join(fleet, "secrets/aged/team/locked.sops.yaml"))).toBe(false);
      const update = await run(["updatekeys", "aged"], { lockWaitMs: 100, env: { SOPS_AGE_KEY_FILE: join(work, "owner.txt") } });
      expect(update.code).toBe(2);
    } finally {
      await held.release();
    }
    expect((await run(["set", "aged", "team/locked", "--from-literal", "a=b"])).code).toBe(0);
  });

  it("key files and plaintext inputs are ignored by git", () => {
    const paths = ["keys.txt", "apps/fleet/secrets/keys.txt", "age.agekey", ".secrets/db-password", "apps/fleet/.secrets/x", "db.plaintext", "app.decrypted.yaml", ".env", "apps/fleet/.env"];
    const ignored = execFileSync("git", ["check-ignore", "--no-index", ...paths], { cwd: repoRoot, encoding: "utf8" }).trim().split("\n");
    expect(ignored).toEqual(paths);
    // Encrypted files are not.
    expect(() => execFileSync("git", ["check-ignore", "--no-index", "apps/fleet/secrets/dev/team/app.sops.yaml"], { cwd: repoRoot })).toThrow();
  });
});
