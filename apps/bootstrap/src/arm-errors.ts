/**
 * Reading errors thrown by the Azure SDK (RestError: `statusCode`, `code` = the ARM error code,
 * `message` = the ARM error message) and by credentials, and turning them into one safe line.
 */

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  statusCode?: unknown;
}

const asErrorLike = (error: unknown): ErrorLike => (typeof error === "object" && error !== null ? (error as ErrorLike) : {});

/** The ARM error code (`error.code` of the answer), or a transport code like ECONNRESET. */
export function errorCode(error: unknown): string | undefined {
  const code = asErrorLike(error).code;
  return typeof code === "string" && code !== "" ? code : undefined;
}

export function errorStatus(error: unknown): number | undefined {
  const status = asErrorLike(error).statusCode;
  return typeof status === "number" ? status : undefined;
}

export function hasCode(error: unknown, ...codes: string[]): boolean {
  const code = errorCode(error)?.toLowerCase();
  return code !== undefined && codes.some((c) => c.toLowerCase() === code);
}

/** 404 of a GET: the resource (or its resource group) does not exist. */
export function isNotFound(error: unknown): boolean {
  return errorStatus(error) === 404;
}

/**
 * Anything that looks like a bearer token or a JWT is cut out of messages before they are shown
 * (defence in depth: ARM and credential messages do not normally carry tokens).
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/gi, "Bearer [redacted]")
    .replace(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, "[redacted token]");
}

/** `<ARM code>: <message>` (with the HTTP status when there is one), on one line, secrets redacted. */
export function describeError(error: unknown): string {
  const e = asErrorLike(error);
  const raw = typeof e.message === "string" && e.message !== "" ? e.message : String(error);
  const message = redactSecrets(raw.replace(/\s+/g, " ").trim());
  const code = errorCode(error);
  const status = errorStatus(error);
  const name = typeof e.name === "string" && /Credential|Authentication/.test(e.name) ? e.name : undefined;
  const label = code ?? name;
  const head = label ? (status ? `${label} (HTTP ${status})` : label) : status ? `HTTP ${status}` : undefined;
  return head ? `${head}: ${message}` : message;
}

const TRANSPORT = /^(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|CERT_\w+|UNABLE_TO_\w+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|REQUEST_SEND_ERROR)$/;

/** The request never got an answer (DNS, refused, reset, timed out, TLS): the network, not ARM. */
export function transportCode(error: unknown): string | undefined {
  const code = errorCode(error);
  if (code === undefined || !TRANSPORT.test(code)) return undefined;
  if (code !== "REQUEST_SEND_ERROR") return code;
  // The SDK wraps the system error; its code is in the message.
  const message = asErrorLike(error).message;
  return (typeof message === "string" ? /\b(E[A-Z]{3,}|CERT_[A-Z_]+|UNABLE_TO_[A-Z_]+)\b/.exec(message)?.[1] : undefined) ?? code;
}
