/** The real age CLI (Debian age 1.1.1): key generation and data key decryption, for tests. */
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface AgeKeyPair {
  /** `age1…` */
  recipient: string;
  /** The keys file text (`# created`, `# public key`, `AGE-SECRET-KEY-1…`). */
  identity: string;
}

/** A fresh key pair from `age-keygen`. */
export async function ageKeygen(): Promise<AgeKeyPair> {
  const { stdout } = await run("age-keygen", []);
  const recipient = /# public key: (age1[0-9a-z]+)/.exec(stdout)?.[1];
  if (!recipient) throw new Error(`age-keygen printed no public key: ${stdout}`);
  return { recipient, identity: stdout };
}

/** `age --decrypt -i <identity>` of an armored file; returns the plaintext bytes. */
export async function ageDecrypt(armored: string, identity: string): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), "flotilla-age-"));
  try {
    const keyFile = join(dir, "key.txt");
    await writeFile(keyFile, identity, { mode: 0o600 });
    return await new Promise<Buffer>((resolve, reject) => {
      const child = spawn("age", ["--decrypt", "-i", keyFile]);
      const out: Buffer[] = [];
      let err = "";
      child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
      child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`age --decrypt exited ${code}: ${err.trim()}`))));
      child.stdin.end(armored);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
