/**
 * userAssignedIdentities/{name}/federatedIdentityCredentials (ManagedIdentity.json 2024-11-30):
 * PUT → 201 create / 200 update, GET → 200, DELETE → 200 / 204, list → 200 (pageable, $top).
 *
 * Validation as the service enforces it (the OpenAPI only carries the name pattern and the
 * required properties; the rest are documented Entra/MSI limits):
 * - name matches ^[a-zA-Z0-9]{1}[a-zA-Z0-9-_]{2,119}$ (spec `pattern`) → else 400
 * - properties.issuer (format: uri) must be an https URL → else 400
 * - properties.subject required, non-empty → else 400
 * - properties.audiences: exactly one entry (Entra supports a single audience) → else 400
 * - at most 20 FICs per identity ("workload identity federation considerations") → else 400
 * - an issuer+subject pair is unique per identity → 400 under another FIC name
 * - concurrent FIC writes under one identity → 409 ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity
 * Codes other than the 409 one are not published; this server answers them as code "BadRequest".
 */
import { ArmError, badRequest, notFound } from "../errors.js";
import { jsonBody, methodNotAllowed, objectProp, sleep, type HandlerResult, type RequestContext } from "../context.js";
import { page } from "../paging.js";
import { ArmState, type FicRecord, type IdentityRecord } from "../state.js";
import { identityId, IDENTITY_TYPE } from "./identities.js";

export const FIC_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials";
/** `pattern` of federatedIdentityCredentialResourceName in ManagedIdentity.json. */
export const FIC_NAME_RE = /^[a-zA-Z0-9]{1}[a-zA-Z0-9-_]{2,119}$/;
const MAX_CLAIM_LENGTH = 600;

export function ficJson(identity: IdentityRecord, fic: FicRecord) {
  return {
    id: `${identityId(identity)}/federatedIdentityCredentials/${fic.name}`,
    name: fic.name,
    type: FIC_TYPE,
    properties: { issuer: fic.issuer, subject: fic.subject, audiences: [...fic.audiences] },
  };
}

function parentNotFound(resourceGroup: string, identityName: string): ArmError {
  return notFound(
    "ParentResourceNotFound",
    `Can not perform requested operation on nested resource. Parent resource '${identityName}' not found in resource group '${resourceGroup}' (type '${IDENTITY_TYPE}').`,
  );
}

function readFic(ctx: RequestContext, name: string): FicRecord {
  const props = objectProp(jsonBody(ctx), "properties");
  if (!props) throw badRequest("BadRequest", "The 'properties' of the federated identity credential are required.");
  const { issuer, subject, audiences } = props;
  if (typeof issuer !== "string" || issuer === "") throw badRequest("BadRequest", "The 'issuer' property is required.");
  let issuerUrl: URL | undefined;
  try {
    issuerUrl = new URL(issuer);
  } catch {
    issuerUrl = undefined;
  }
  if (!issuerUrl || issuerUrl.protocol !== "https:" || issuer.length > MAX_CLAIM_LENGTH) {
    throw badRequest("BadRequest", `The issuer '${issuer}' is invalid. The issuer must be a valid https URL of at most ${MAX_CLAIM_LENGTH} characters.`);
  }
  if (typeof subject !== "string" || subject.trim() === "" || subject.length > MAX_CLAIM_LENGTH) {
    throw badRequest("BadRequest", `The 'subject' property is required and must be 1-${MAX_CLAIM_LENGTH} characters long.`);
  }
  if (!Array.isArray(audiences) || audiences.length !== 1 || typeof audiences[0] !== "string" || audiences[0] === "") {
    const count = Array.isArray(audiences) ? audiences.length : 0;
    throw badRequest("BadRequest", `The 'audiences' property must contain exactly one audience; ${count} were provided.`);
  }
  return { name, issuer, subject, audiences: [audiences[0] as string] };
}

const sameFic = (a: FicRecord, b: FicRecord) =>
  a.issuer === b.issuer && a.subject === b.subject && a.audiences.length === b.audiences.length && a.audiences.every((x, i) => x === b.audiences[i]);

/**
 * The per-identity write lock. Held from the start of a write until its answer is ready
 * (`ficWriteLockMs`) plus `ficLockTailMs`; a write that finds it held gets 409.
 */
async function withFicLock<T>(ctx: RequestContext, identity: IdentityRecord, write: () => T): Promise<T> {
  const { state, options } = ctx;
  const lockKey = ArmState.identityKey(identity.subscriptionId, identity.resourceGroup, identity.name);
  const heldUntil = state.ficLocks.get(lockKey);
  if (heldUntil !== undefined && heldUntil > Date.now()) {
    throw new ArmError(
      409,
      "ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity",
      `Too many Federated Identity Credentials are written concurrently for the managed identity '${identityId(identity).toLowerCase()}'. Concurrent Federated Identity Credentials writes under the same managed identity are not supported.`,
    );
  }
  state.ficLocks.set(lockKey, Number.POSITIVE_INFINITY);
  try {
    if (options.ficWriteLockMs > 0) await sleep(options.ficWriteLockMs);
    return write();
  } finally {
    if (options.ficLockTailMs > 0) state.ficLocks.set(lockKey, Date.now() + options.ficLockTailMs);
    else state.ficLocks.delete(lockKey);
  }
}

export async function handleFic(
  ctx: RequestContext,
  subscriptionId: string,
  resourceGroup: string,
  identityName: string,
  ficName: string,
): Promise<HandlerResult> {
  const { state, options } = ctx;
  const identity = state.getIdentity(resourceGroup, identityName, subscriptionId);
  if (!identity) throw parentNotFound(resourceGroup, identityName);
  if (!FIC_NAME_RE.test(ficName)) {
    throw badRequest(
      "BadRequest",
      `The federated identity credential name '${ficName}' is invalid. It must match ^[a-zA-Z0-9]{1}[a-zA-Z0-9-_]{2,119}$ (3-120 characters, starting with a letter or digit).`,
    );
  }
  const key = ficName.toLowerCase();
  switch (ctx.method) {
    case "GET": {
      const fic = identity.fics.get(key);
      if (!fic) {
        throw notFound("ResourceNotFound", `The Resource '${FIC_TYPE}/${identityName}/${ficName}' under resource group '${resourceGroup}' was not found.`);
      }
      return { status: 200, body: ficJson(identity, fic) };
    }
    case "DELETE":
      return withFicLock(ctx, identity, () => {
        if (!state.getIdentity(resourceGroup, identityName, subscriptionId)) throw parentNotFound(resourceGroup, identityName);
        return identity.fics.delete(key) ? { status: 200 } : { status: 204 };
      });
    case "PUT": {
      const wanted = readFic(ctx, ficName);
      return withFicLock(ctx, identity, () => {
        if (!state.getIdentity(resourceGroup, identityName, subscriptionId)) throw parentNotFound(resourceGroup, identityName);
        const existing = identity.fics.get(key);
        if (existing && sameFic(existing, wanted)) return { status: 200, body: ficJson(identity, existing) };
        const clash = [...identity.fics.values()].find(
          (f) => f.name.toLowerCase() !== key && f.issuer === wanted.issuer && f.subject === wanted.subject,
        );
        if (clash) {
          throw badRequest(
            "BadRequest",
            `Issuer and subject combination already exists for this Managed Identity: a federated identity credential with the same issuer and subject already exists ('${clash.name}').`,
          );
        }
        if (!existing && identity.fics.size >= options.maxFicsPerIdentity) {
          throw badRequest(
            "BadRequest",
            `The managed identity already has the maximum number of ${options.maxFicsPerIdentity} federated identity credentials; no more can be added.`,
          );
        }
        const stored: FicRecord = { ...wanted, name: existing?.name ?? ficName };
        identity.fics.set(key, stored);
        return { status: existing ? 200 : 201, body: ficJson(identity, stored) };
      });
    }
    default:
      throw methodNotAllowed(ctx);
  }
}

export function handleFicList(ctx: RequestContext, subscriptionId: string, resourceGroup: string, identityName: string): HandlerResult {
  if (ctx.method !== "GET") throw methodNotAllowed(ctx);
  const identity = ctx.state.getIdentity(resourceGroup, identityName, subscriptionId);
  if (!identity) throw parentNotFound(resourceGroup, identityName);
  return { status: 200, body: page(ctx, [...identity.fics.values()].map((f) => ficJson(identity, f))) };
}
