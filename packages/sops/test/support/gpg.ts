/**
 * Test-only PGP support: unwraps the data key of `sops.pgp` stanzas with the real `gpg` CLI
 * (Debian package gpg) in a throw-away GNUPGHOME. flotilla itself writes age and Azure Key Vault
 * stanzas only; this exists so the reader can be checked against sops' own PGP test vectors.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { KeyUnwrapper } from "../../src/index.js";

const run = promisify(execFile);

export interface GpgHome {
  unwrapper: KeyUnwrapper;
  close(): Promise<void>;
}

function decrypt(home: string, armored: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn("gpg", ["--batch", "--quiet", "--no-tty", "--decrypt"], { env: { ...process.env, GNUPGHOME: home } });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`gpg --decrypt exited ${code}: ${err.trim()}`))));
    child.stdin.end(armored);
  });
}

/** Imports the given secret key files into a fresh GNUPGHOME. */
export async function gpgHome(keyFiles: readonly string[]): Promise<GpgHome> {
  const home = await mkdtemp(join(tmpdir(), "flotilla-gnupg-"));
  for (const file of keyFiles) await run("gpg", ["--batch", "--quiet", "--import", file], { env: { ...process.env, GNUPGHOME: home } });
  return {
    unwrapper: {
      description: "gpg (test)",
      async unwrap(metadata) {
        for (const stanza of metadata.pgp) {
          try {
            return new Uint8Array(await decrypt(home, stanza.enc));
          } catch {
            // another stanza may be for a key we hold
          }
        }
        return undefined;
      },
    },
    close: async () => {
      await run("gpgconf", ["--kill", "all"], { env: { ...process.env, GNUPGHOME: home } }).catch(() => undefined);
      await rm(home, { recursive: true, force: true });
    },
  };
}
