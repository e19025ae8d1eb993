/**
 * TEST HOOKS — deliberately left out of the README and of `--help`. They exist so the built CLI
 * can be run against the local test ARM server (test/support/arm-server) and nothing else:
 *
 * - env `FLOTILLA_ARM_ENDPOINT=https://127.0.0.1:<port>`: the ARM base URL. Only https on a
 *   loopback host (127.0.0.1, localhost, [::1]) is accepted; anything else is a usage error, so
 *   the hook cannot redirect real credentials to a remote host. Tokens are still requested for
 *   ARM's audience (https://management.azure.com/.default).
 * - `--ca <file>`: a PEM CA certificate to trust for that endpoint (the test server's throw-away
 *   CA). Only together with FLOTILLA_ARM_ENDPOINT. `NODE_EXTRA_CA_CERTS=<file>` works as well.
 */
import { readFile } from "node:fs/promises";

export const ARM_ENDPOINT_ENV = "FLOTILLA_ARM_ENDPOINT";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

export type EndpointHook = { ok: true; endpoint: string | undefined; caCertPem: string | undefined } | { ok: false; message: string };

export async function readEndpointHook(env: Record<string, string | undefined>, caFile: string | undefined): Promise<EndpointHook> {
  const raw = env[ARM_ENDPOINT_ENV];
  if (raw === undefined || raw === "") {
    if (caFile !== undefined) return { ok: false, message: `--ca is only accepted together with ${ARM_ENDPOINT_ENV}` };
    return { ok: true, endpoint: undefined, caCertPem: undefined };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: `${ARM_ENDPOINT_ENV} is not a URL` };
  }
  if (url.protocol !== "https:" || !LOOPBACK.has(url.hostname) || url.username || url.password || (url.pathname !== "/" && url.pathname !== "")) {
    return { ok: false, message: `${ARM_ENDPOINT_ENV} must be https://<loopback host>:<port> (a local test server)` };
  }
  let caCertPem: string | undefined;
  if (caFile !== undefined) {
    try {
      caCertPem = await readFile(caFile, "utf8");
    } catch (error) {
      return { ok: false, message: `--ca ${caFile}: ${(error as Error).message}` };
    }
  }
  return { ok: true, endpoint: url.origin, caCertPem };
}
