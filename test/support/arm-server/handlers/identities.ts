/**
 * Microsoft.ManagedIdentity/userAssignedIdentities (ManagedIdentity.json 2024-11-30):
 * PUT → 201 create / 200 update, GET → 200, PATCH → 200, DELETE → 200 / 204 ("Resource does
 * not exist"), list by resource group / subscription → 200 IdentityListResult (pageable).
 * Tags are held to ARM's limits (50 per resource, name/value lengths and characters, names
 * case-insensitive); the error codes for them are modelled, not published.
 */
import { ArmError, badRequest, notFound } from "../errors.js";
import { jsonBody, methodNotAllowed, objectProp, type HandlerResult, type RequestContext } from "../context.js";
import { page } from "../paging.js";
import type { IdentityRecord } from "../state.js";

export const IDENTITY_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities";

/** Azure naming rules for userAssignedIdentities: 3-128 chars, alphanumerics, '-' and '_', starting alphanumeric. */
const IDENTITY_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/;

export function identityId(i: IdentityRecord): string {
  // The spec examples spell the segment "resourcegroups" in returned ids (IdentityGet.json).
  return `/subscriptions/${i.subscriptionId}/resourcegroups/${i.resourceGroup}/providers/${IDENTITY_TYPE}/${i.name}`;
}

export function identityJson(i: IdentityRecord) {
  return {
    id: identityId(i),
    name: i.name,
    type: IDENTITY_TYPE,
    location: i.location,
    tags: { ...i.tags },
    properties: {
      tenantId: i.tenantId,
      principalId: i.principalId,
      clientId: i.clientId,
      isolationScope: i.isolationScope,
    },
  };
}

export function resourceNotFound(resourceGroup: string, name: string): ArmError {
  return notFound(
    "ResourceNotFound",
    `The Resource '${IDENTITY_TYPE}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

function readTags(body: Record<string, unknown>): Record<string, string> | undefined {
  const tags = body.tags;
  if (tags === undefined || tags === null) return undefined;
  if (typeof tags !== "object" || Array.isArray(tags) || Object.values(tags).some((v) => typeof v !== "string")) {
    throw badRequest("InvalidRequestContent", "The request content was invalid and could not be deserialized: 'tags' must map strings to strings.");
  }
  const entries = Object.entries(tags as Record<string, string>);
  // ARM's tag limits: 50 per resource, names ≤ 512 characters without <>%&\?/, values ≤ 256; names are case-insensitive.
  if (entries.length > 50) throw badRequest("InvalidTagCount", `The resource has ${entries.length} tags; at most 50 tags are allowed per resource.`);
  const seen = new Set<string>();
  for (const [name, value] of entries) {
    if (/[<>%&\\?/]/.test(name)) throw badRequest("InvalidTagNameCharacters", `The tag name '${name}' has invalid characters '<,>,%,&,\\,?,/'.`);
    if (name.length > 512 || value.length > 256) throw badRequest("InvalidTagNameOrValue", `The tag '${name}' is too long: names may have 512 characters, values 256.`);
    if (seen.has(name.toLowerCase())) throw badRequest("InvalidRequestContent", `The tag name '${name}' is given twice (tag names are case-insensitive).`);
    seen.add(name.toLowerCase());
  }
  return Object.fromEntries(entries);
}

function readIsolationScope(body: Record<string, unknown>): string | undefined {
  const v = objectProp(body, "properties")?.isolationScope;
  if (v === undefined || v === null) return undefined;
  if (v !== "None" && v !== "Regional") throw badRequest("BadRequest", `Invalid isolationScope '${String(v)}'. Allowed values: None, Regional.`);
  return v;
}

const sameLocation = (a: string, b: string) => a.replace(/\s+/g, "").toLowerCase() === b.replace(/\s+/g, "").toLowerCase();

export function handleIdentity(ctx: RequestContext, subscriptionId: string, resourceGroup: string, name: string): HandlerResult {
  const { state } = ctx;
  const existing = state.getIdentity(resourceGroup, name, subscriptionId);
  switch (ctx.method) {
    case "GET":
      if (!existing) throw resourceNotFound(resourceGroup, name);
      return { status: 200, body: identityJson(existing) };
    case "DELETE":
      if (!existing) return { status: 204 };
      state.deleteIdentity(existing);
      return { status: 200 };
    case "PATCH": {
      if (!existing) throw resourceNotFound(resourceGroup, name);
      const body = jsonBody(ctx);
      const tags = readTags(body);
      const isolationScope = readIsolationScope(body);
      if (tags) existing.tags = tags;
      if (isolationScope) existing.isolationScope = isolationScope;
      return { status: 200, body: identityJson(existing) };
    }
    case "PUT": {
      if (!IDENTITY_NAME_RE.test(name)) {
        throw badRequest(
          "InvalidResourceName",
          `Resource name '${name}' is invalid. The name can be 3-128 characters long and can contain only letters, numbers, hyphens and underscores, starting with a letter or number.`,
        );
      }
      const body = jsonBody(ctx);
      const location = body.location;
      // TrackedResource.location is required (common-types v4); ARM rejects a PUT without it.
      if (typeof location !== "string" || location.trim() === "") {
        throw badRequest("LocationRequired", "The location property is required for this definition.");
      }
      const tags = readTags(body) ?? {};
      const isolationScope = readIsolationScope(body);
      if (existing) {
        // location is create-only (x-ms-mutability read/create).
        if (!sameLocation(existing.location, location)) {
          throw badRequest(
            "InvalidResourceLocation",
            `The resource '${name}' already exists in location '${existing.location}' in resource group '${resourceGroup}'. A resource with the same name cannot be created in location '${location}'. Please select a new resource name.`,
          );
        }
        existing.tags = tags; // PUT replaces the whole resource: omitted tags are removed.
        existing.isolationScope = isolationScope ?? "None";
        return { status: 200, body: identityJson(existing) };
      }
      const created = state.createIdentity(subscriptionId, resourceGroup, name, location, tags, isolationScope ?? "None");
      return { status: 201, body: identityJson(created) };
    }
    default:
      throw methodNotAllowed(ctx);
  }
}

export function handleIdentityList(ctx: RequestContext, subscriptionId: string, resourceGroup: string | undefined): HandlerResult {
  if (ctx.method !== "GET") throw methodNotAllowed(ctx);
  const items = ctx.state
    .listIdentities()
    .filter(
      (i) =>
        i.subscriptionId.toLowerCase() === subscriptionId.toLowerCase() &&
        (resourceGroup === undefined || i.resourceGroup.toLowerCase() === resourceGroup.toLowerCase()),
    )
    .map(identityJson);
  return { status: 200, body: page(ctx, items) };
}
