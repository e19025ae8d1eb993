/**
 * ARM error envelope. Every non-2xx answer of this server carries the common-types
 * `ErrorResponse` shape (`{ "error": { "code", "message" } }`) that ManagedIdentity.json's
 * `default` responses and the authorization spec reference
 * (common-types/resource-management/v4/types.json#/definitions/ErrorResponse).
 * `@azure/core-client` copies `error.code` into `RestError.code`, so tests can match on it.
 */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ArmError";
  }

  body(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export const badRequest = (code: string, message: string) => new ArmError(400, code, message);
export const notFound = (code: string, message: string) => new ArmError(404, code, message);
export const conflict = (code: string, message: string) => new ArmError(409, code, message);
