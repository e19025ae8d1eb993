import { ArmError, badRequest } from "./errors.js";
import type { ArmState } from "./state.js";

/** Options after defaults were applied. */
export interface ResolvedOptions {
  subscriptionId: string;
  tenantId: string;
  principalReplicationDelayMs: number;
  principalTypeBypassesReplicationDelay: boolean;
  ficWriteLockMs: number;
  ficLockTailMs: number;
  maxFicsPerIdentity: number;
  pageSize: number;
  idempotentRoleAssignmentPutStatus: 200 | 201;
  acceptToken: (token: string) => boolean;
  /** Object ID reported as createdBy/updatedBy of role assignments. */
  callerPrincipalId: string;
}

/** One parsed request, as handlers see it. */
export interface RequestContext {
  method: string;
  /** Normalised path: duplicate slashes collapsed, no trailing slash. */
  path: string;
  /** Decoded path segments. */
  segments: string[];
  query: URLSearchParams;
  rawBody: string;
  /** `https://127.0.0.1:<port>` for building nextLinks. */
  baseUrl: string;
  state: ArmState;
  options: ResolvedOptions;
}

export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The JSON request body, or 400 InvalidRequestContent (ARM's code for unparsable bodies). */
export function jsonBody(ctx: RequestContext): Record<string, unknown> {
  if (ctx.rawBody.trim() === "") {
    throw badRequest("InvalidRequestContent", "The request content was invalid and could not be deserialized: the body is empty.");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(ctx.rawBody);
  } catch (err) {
    throw badRequest("InvalidRequestContent", `The request content was invalid and could not be deserialized: '${(err as Error).message}'.`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw badRequest("InvalidRequestContent", "The request content was invalid and could not be deserialized: a JSON object is expected.");
  }
  return parsed as Record<string, unknown>;
}

export function objectProp(obj: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const v = obj[name];
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function methodNotAllowed(ctx: RequestContext): ArmError {
  return new ArmError(405, "MethodNotAllowed", `The requested resource does not support http method '${ctx.method}'.`);
}

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
