/**
 * Throw-away TLS material: a CA and a 127.0.0.1/localhost leaf signed by it, generated with the
 * openssl CLI into a temp dir that is removed right away. Generated once per process and cached.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const OPENSSL = process.env.OPENSSL_BIN ?? "/usr/bin/openssl";

export interface TlsMaterial {
  keyPem: string;
  certPem: string;
  caCertPem: string;
}

let cached: Promise<TlsMaterial> | undefined;

export function testTlsMaterial(): Promise<TlsMaterial> {
  cached ??= generate().catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

async function generate(): Promise<TlsMaterial> {
  const dir = await mkdtemp(join(tmpdir(), "arm-server-tls-"));
  try {
    const p = (name: string) => join(dir, name);
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    await run(OPENSSL, [
      "req", "-x509", ...ec, "-keyout", p("ca.key"), "-out", p("ca.pem"), "-days", "2",
      "-subj", "/CN=flotilla test ARM CA",
      "-addext", "basicConstraints=critical,CA:TRUE",
      "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    await run(OPENSSL, ["req", ...ec, "-keyout", p("leaf.key"), "-out", p("leaf.csr"), "-subj", "/CN=127.0.0.1"]);
    await writeFile(
      p("leaf.ext"),
      "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
    );
    await run(OPENSSL, [
      "x509", "-req", "-in", p("leaf.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"), "-set_serial", "1",
      "-days", "2", "-extfile", p("leaf.ext"), "-out", p("leaf.pem"),
    ]);
    const [keyPem, certPem, caCertPem] = await Promise.all(
      ["leaf.key", "leaf.pem", "ca.pem"].map((f) => readFile(p(f), "utf8")),
    );
    return { keyPem: keyPem!, certPem: certPem!, caCertPem: caCertPem! };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
