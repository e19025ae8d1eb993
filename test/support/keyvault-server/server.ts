/**
 * startKeyVaultServer(): an HTTPS server on 127.0.0.1 honouring the Azure Key Vault keys data
 * plane contract that sops and @azure/keyvault-keys use:
 *
 * - challenge authentication: a request without a bearer token gets `401` with
 *   `WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/<tenant>", resource="https://vault.azure.net"`;
 *   the SDK then asks its credential for `https://vault.azure.net/.default` and retries;
 * - `GET /keys/{name}[/{version}]` → a key bundle `{ key: { kid, kty, key_ops, n, e }, attributes }`;
 * - `POST /keys/{name}/{version}/encrypt|decrypt` with `{ alg, value }` (value base64url) →
 *   `{ kid, value }`, real RSA with the key's private half (RSA-OAEP-256, RSA-OAEP, RSA1_5);
 * - `api-version` is required; errors are `{ error: { code, message } }` with Key Vault's codes
 *   (Unauthorized, Forbidden, KeyNotFound, BadParameter).
 *
 * Permissions per operation can be withdrawn (`denied`) to model a principal with only Key
 * Vault Crypto User-like rights. Request bodies are never logged.
 */
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { IncomingMessage, ServerResponse } from "node:http";
import { testTlsMaterial } from "../arm-server/tls.js";
import { KEY_ALGORITHMS, type KeyAlgorithm, KeyStore, type KeyVersion, rsaDecrypt, rsaEncrypt } from "./keys.js";

export const KEY_VAULT_RESOURCE = "https://vault.azure.net";
const API_VERSIONS = new Set(["7.3", "7.4", "7.5", "7.6", "2025-07-01"]);

export type KeyOperation = "get" | "encrypt" | "decrypt";

export interface KeyVaultServerOptions {
  tenantId?: string;
  /** Accepts a bearer token (default: any non-empty token). */
  acceptToken?: (token: string) => boolean;
}

export interface RecordedKeyVaultRequest {
  method: string;
  path: string;
  apiVersion: string | null;
  authorized: boolean;
  status: number;
}

export interface KeyVaultServer {
  /** `https://127.0.0.1:<port>` — use it as the vault URL. */
  url: string;
  caCertPem: string;
  keys: KeyStore;
  /** Operations answered with 403 Forbidden (the caller lacks that permission). */
  denied: Set<KeyOperation>;
  requests: RecordedKeyVaultRequest[];
  close(): Promise<void>;
}

class KeyVaultError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

function kid(base: string, key: KeyVersion): string {
  return `${base}/keys/${key.name}/${key.version}`;
}

function keyBundle(base: string, key: KeyVersion): unknown {
  return {
    key: { kid: kid(base, key), kty: key.publicJwk.kty, key_ops: key.keyOps, n: key.publicJwk.n, e: key.publicJwk.e },
    attributes: { enabled: key.enabled, created: key.created, updated: key.created, recoveryLevel: "Recoverable+Purgeable", recoverableDays: 90 },
  };
}

function parseOperationBody(body: string): { alg: KeyAlgorithm; value: Buffer } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new KeyVaultError(400, "BadParameter", "The request body is not valid JSON.");
  }
  const { alg, value } = (parsed ?? {}) as { alg?: unknown; value?: unknown };
  if (typeof alg !== "string" || !KEY_ALGORITHMS.includes(alg as KeyAlgorithm)) {
    throw new KeyVaultError(400, "BadParameter", `Invalid algorithm: ${String(alg)}. Supported: ${KEY_ALGORITHMS.join(", ")}.`);
  }
  if (typeof value !== "string" || !/^[A-Za-z0-9_-]*={0,2}$/.test(value)) {
    throw new KeyVaultError(400, "BadParameter", "Property 'value' must be a base64url string.");
  }
  return { alg: alg as KeyAlgorithm, value: Buffer.from(value, "base64url") };
}

export async function startKeyVaultServer(options: KeyVaultServerOptions = {}): Promise<KeyVaultServer> {
  const tls = await testTlsMaterial();
  const tenantId = options.tenantId ?? "00000000-0000-4000-8000-0000000000aa";
  const acceptToken = options.acceptToken ?? ((token: string) => token.length > 0);
  const keys = new KeyStore();
  const denied = new Set<KeyOperation>();
  const requests: RecordedKeyVaultRequest[] = [];
  let base = "";

  const handle = async (req: IncomingMessage): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> => {
    const url = new URL(req.url ?? "/", base);
    const apiVersion = url.searchParams.get("api-version");
    const authorization = req.headers.authorization;
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
    if (token === undefined || !acceptToken(token)) {
      const challenge = `Bearer authorization="https://login.microsoftonline.com/${tenantId}", resource="${KEY_VAULT_RESOURCE}"`;
      throw new KeyVaultError(401, "Unauthorized", authorization ? "AKV10032: Invalid issuer or token." : "AKV10000: Request is missing a Bearer or PoP token.", {
        "www-authenticate": challenge,
      });
    }
    if (apiVersion === null) throw new KeyVaultError(400, "BadParameter", "The 'api-version' query parameter is missing.");
    if (!API_VERSIONS.has(apiVersion)) throw new KeyVaultError(400, "BadParameter", `The specified version (${apiVersion}) is not recognized.`);
    const parts = url.pathname.split("/").filter((part, i) => i > 0 || part !== "");
    if (parts[0] !== "keys" || parts.length < 2 || parts.length > 4) throw new KeyVaultError(404, "NotFound", `No route for ${req.method} ${url.pathname}.`);
    const name = parts[1]!;
    const operation = parts.length === 4 ? parts[3] : parts.length === 3 && (parts[2] === "encrypt" || parts[2] === "decrypt") ? parts[2] : undefined;
    const version = operation === undefined ? (parts[2] ?? "") : parts.length === 4 ? parts[2]! : "";
    const key = keys.get(name, version);
    if (operation === undefined) {
      if (req.method !== "GET") throw new KeyVaultError(405, "MethodNotAllowed", `${req.method} is not allowed here.`);
      if (denied.has("get")) throw new KeyVaultError(403, "Forbidden", "Caller is not authorized to perform action on resource (keys/get).");
      if (!key) throw new KeyVaultError(404, "KeyNotFound", `A key with (name/id) ${name}${version ? `/${version}` : ""} was not found in this key vault.`);
      return { status: 200, body: keyBundle(base, key) };
    }
    if (req.method !== "POST" || (operation !== "encrypt" && operation !== "decrypt")) {
      throw new KeyVaultError(404, "NotFound", `No route for ${req.method} ${url.pathname}.`);
    }
    if (denied.has(operation)) throw new KeyVaultError(403, "Forbidden", `Caller is not authorized to perform action on resource (keys/${operation}).`);
    const body = parseOperationBody(await readBody(req));
    if (!key) throw new KeyVaultError(404, "KeyNotFound", `A key with (name/id) ${name}${version ? `/${version}` : ""} was not found in this key vault.`);
    if (!key.keyOps.includes(operation)) throw new KeyVaultError(403, "Forbidden", `Operation ${operation} is not permitted on this key.`);
    let result: Buffer;
    try {
      result = operation === "encrypt" ? rsaEncrypt(key, body.alg, body.value) : rsaDecrypt(key, body.alg, body.value);
    } catch {
      throw new KeyVaultError(400, "BadParameter", `The ${operation} operation failed: the value does not fit the key and algorithm.`);
    }
    return { status: 200, body: { kid: kid(base, key), value: result.toString("base64url") } };
  };

  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    const record: RecordedKeyVaultRequest = {
      method: req.method ?? "",
      path: url.pathname,
      apiVersion: url.searchParams.get("api-version"),
      authorized: req.headers.authorization !== undefined,
      status: 0,
    };
    requests.push(record);
    handle(req)
      .catch((error: unknown) => {
        if (error instanceof KeyVaultError) return { status: error.status, body: { error: { code: error.code, message: error.message } }, headers: error.headers };
        return { status: 500, body: { error: { code: "InternalServerError", message: "test server error" } } };
      })
      .then(({ status, body, headers }) => {
        record.status = status;
        const text = JSON.stringify(body);
        res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...(headers ?? {}) });
        res.end(text);
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    caCertPem: tls.caCertPem,
    keys,
    denied,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
