/**
 * startArmServer(): an HTTPS server on 127.0.0.1 that answers the ARM contract of
 * Microsoft.ManagedIdentity 2024-11-30 and Microsoft.Authorization 2022-04-01 (role
 * assignments, role definitions) from in-memory state, with fault injection and a request log.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ArmError } from "./errors.js";
import { type HandlerResult, type RequestContext, type ResolvedOptions, sleep } from "./context.js";
import { FaultInjector, type Fault } from "./faults.js";
import { headerValue, normalisePath, pathSegments, readBody, send } from "./http.js";
import { apiVersionOf, route } from "./router.js";
import { ArmState } from "./state.js";
import { testTlsMaterial } from "./tls.js";
import type { ArmServer, ArmServerOptions, RecordedRequest, RequestFilter } from "./types.js";

const WRITE_METHODS = new Set(["PUT", "PATCH", "DELETE", "POST"]);

function resolveOptions(o: ArmServerOptions): ResolvedOptions {
  return {
    subscriptionId: o.subscriptionId ?? "00000000-0000-4000-8000-000000000001",
    tenantId: o.tenantId ?? "00000000-0000-4000-8000-0000000000aa",
    principalReplicationDelayMs: o.principalReplicationDelayMs ?? 200,
    principalTypeBypassesReplicationDelay: o.principalTypeBypassesReplicationDelay ?? false,
    ficWriteLockMs: o.ficWriteLockMs ?? 50,
    ficLockTailMs: o.ficLockTailMs ?? 0,
    maxFicsPerIdentity: o.maxFicsPerIdentity ?? 20,
    pageSize: o.pageSize ?? 100,
    idempotentRoleAssignmentPutStatus: o.idempotentRoleAssignmentPutStatus ?? 200,
    acceptToken: o.acceptToken ?? ((token) => token.length > 0),
    callerPrincipalId: "00000000-0000-4000-8000-00000000ca11",
  };
}

/** 401 as ARM sends it, with a WWW-Authenticate challenge (no `claims`, so SDKs don't re-challenge). */
function authenticate(req: IncomingMessage, options: ResolvedOptions): ArmError | undefined {
  const header = headerValue(req, "authorization");
  const challenge = (description: string) => ({
    "www-authenticate": `Bearer authorization_uri="https://login.microsoftonline.com/${options.tenantId}", error="invalid_token", error_description="${description}"`,
  });
  if (!header) {
    return new ArmError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.", challenge("The authentication failed because of missing 'Authorization' header."));
  }
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m || !options.acceptToken(m[1]!)) {
    return new ArmError(401, "InvalidAuthenticationToken", "The access token is invalid.", challenge("The access token is invalid."));
  }
  return undefined;
}

function faultAnswer(fault: Exclude<Fault, { type: "drop" } | { type: "delay" }>): ArmError {
  if (fault.type === "throttle") {
    const seconds = fault.retryAfterSeconds === undefined ? 1 : fault.retryAfterSeconds;
    const headers: Record<string, string> = seconds === null ? {} : { "retry-after": String(seconds) };
    return new ArmError(429, "TooManyRequests", "The request is being throttled as the limit has been reached for this operation type. Retry after the interval in the Retry-After header.", headers);
  }
  const codes: Record<number, string> = { 500: "InternalServerError", 502: "BadGateway", 503: "ServiceUnavailable", 504: "GatewayTimeout" };
  const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : {};
  return new ArmError(fault.status, fault.code ?? codes[fault.status] ?? "InternalServerError", "Encountered an injected server error (test ARM server).", headers);
}

const toResult = (err: ArmError): HandlerResult => ({ status: err.status, body: err.body(), headers: err.headers });

export async function startArmServer(options: ArmServerOptions = {}): Promise<ArmServer> {
  const tls = options.tls ?? (await testTlsMaterial());
  const resolved = resolveOptions(options);
  const state = new ArmState(resolved.tenantId, resolved.subscriptionId, resolved.principalReplicationDelayMs);
  for (const sub of options.extraSubscriptionIds ?? []) state.seedSubscription(sub);
  for (const rg of options.resourceGroups ?? ["rg-flotilla"]) {
    if (typeof rg === "string") state.seedResourceGroup(rg);
    else state.seedResourceGroup(rg.name, { subscriptionId: rg.subscriptionId, location: rg.location });
  }
  const faults = new FaultInjector();
  const requests: RecordedRequest[] = [];
  let seq = 0;
  let baseUrl = "";

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const timestamp = Date.now();
    const mySeq = ++seq;
    const requestId = randomUUID();
    const method = (req.method ?? "GET").toUpperCase();
    let rawBody: string;
    try {
      rawBody = await readBody(req);
    } catch {
      req.socket.destroy();
      return;
    }
    // Not `new URL(req.url, base)`: a scope with a leading slash makes SDKs send
    // "//subscriptions/..." which URL() would read as a protocol-relative authority.
    const target = req.url ?? "/";
    const q = target.indexOf("?");
    const path = normalisePath(q < 0 ? target : target.slice(0, q));
    const query = new URLSearchParams(q < 0 ? "" : target.slice(q + 1));
    const record = (r: Pick<RecordedRequest, "status" | "dropped"> & Partial<RecordedRequest>) =>
      requests.push({
        seq: mySeq,
        method,
        path,
        query: Object.fromEntries(query),
        apiVersion: apiVersionOf(query),
        requestId,
        timestamp,
        durationMs: Date.now() - timestamp,
        ...r,
      });

    const fault = faults.take(method, path);
    if (fault?.type === "delay") await sleep(fault.ms);
    if (fault?.type === "drop" && fault.phase === "before-apply") {
      req.socket.destroy();
      record({ status: 0, dropped: true, fault: "drop" });
      return;
    }

    let result: HandlerResult;
    if (fault && (fault.type === "throttle" || fault.type === "error")) {
      result = toResult(faultAnswer(fault));
    } else {
      const authError = authenticate(req, resolved);
      if (authError) {
        result = toResult(authError);
      } else {
        const ctx: RequestContext = { method, path, segments: pathSegments(path), query, rawBody, baseUrl, state, options: resolved };
        try {
          result = await route(ctx);
        } catch (err) {
          result = err instanceof ArmError ? toResult(err) : toResult(new ArmError(500, "InternalServerError", `Test ARM server bug: ${(err as Error).stack ?? String(err)}`));
        }
      }
    }
    const errorCode = result.status >= 400 ? (result.body as { error?: { code?: string } } | undefined)?.error?.code : undefined;

    if (fault?.type === "drop") {
      req.socket.destroy();
      record({ status: 0, dropped: true, unsentStatus: result.status, errorCode, fault: "drop" });
      return;
    }
    send(req, res, result, requestId);
    record({ status: result.status, dropped: false, errorCode, fault: fault?.type });
  }

  const server: Server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    void handle(req, res);
  });
  server.on("clientError", (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  baseUrl = `https://127.0.0.1:${port}`;

  const matches = (r: RecordedRequest, f: RequestFilter = {}) =>
    (!f.method || r.method === f.method.toUpperCase()) && (!f.path || f.path.test(r.path)) && (f.status === undefined || r.status === f.status);

  return {
    url: baseUrl,
    caCertPem: tls.caCertPem,
    subscriptionId: resolved.subscriptionId,
    tenantId: resolved.tenantId,
    requests,
    state,
    faults,
    writes: (f) => requests.filter((r) => WRITE_METHODS.has(r.method) && matches(r, f)),
    reads: (f) => requests.filter((r) => !WRITE_METHODS.has(r.method) && matches(r, f)),
    resetRequests: () => {
      requests.length = 0;
    },
    close: () => {
      // Idempotent; also drops kept-alive client connections so close() doesn't wait for them.
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
