/** Low-level request/response plumbing for the server. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HandlerResult } from "./context.js";

const MAX_BODY = 4 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error("request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Collapse duplicate slashes (SDKs send `//subscriptions/...` when a scope has a leading slash) and drop a trailing one. */
export function normalisePath(pathname: string): string {
  const collapsed = pathname.replace(/\/{2,}/g, "/");
  return collapsed.length > 1 ? collapsed.replace(/\/$/, "") : collapsed;
}

export function pathSegments(path: string): string[] {
  return path
    .split("/")
    .filter((s) => s !== "")
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

/**
 * Writes an answer the way ARM does: JSON bodies with `content-type: application/json`,
 * and `x-ms-request-id` / `x-ms-correlation-request-id` on every response.
 */
export function send(req: IncomingMessage, res: ServerResponse, result: HandlerResult, requestId: string): void {
  const headers: Record<string, string> = {
    "x-ms-request-id": requestId,
    "x-ms-correlation-request-id": headerValue(req, "x-ms-correlation-request-id") ?? requestId,
    ...result.headers,
  };
  const clientRequestId = headerValue(req, "x-ms-client-request-id");
  if (clientRequestId) headers["x-ms-client-request-id"] = clientRequestId;
  let payload = "";
  if (result.body !== undefined) {
    payload = JSON.stringify(result.body);
    headers["content-type"] = "application/json; charset=utf-8";
  }
  headers["content-length"] = String(Buffer.byteLength(payload));
  try {
    res.writeHead(result.status, headers);
    res.end(payload);
  } catch {
    // socket already gone (server closing); nothing to do
  }
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
