/** Plain node:https requests to the test server, for what the SDKs won't send (bad api-version, no token...). */
import { request } from "node:https";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Parsed JSON body, undefined when empty or not JSON. */
  json: unknown;
}

export function rawArmRequest(
  server: { url: string; caCertPem: string },
  opts: { method?: string; path: string; body?: unknown; token?: string | null; headers?: Record<string, string> },
): Promise<RawResponse> {
  const url = new URL(opts.path, server.url);
  if (url.hostname !== "127.0.0.1" && url.hostname !== "localhost") throw new Error(`rawArmRequest: non-loopback target ${url.host}`);
  const payload = opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
  if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? "test-token"}`;
  if (payload !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? "GET", headers, ca: server.caCertPem, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(payload);
  });
}
