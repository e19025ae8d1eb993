/**
 * Maps a request path to a handler, after checking api-version per provider, and the
 * subscription / resource group the path lives in.
 *   /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities[/{n}[/federatedIdentityCredentials[/{fic}]]]
 *   /subscriptions/{s}/providers/Microsoft.ManagedIdentity/userAssignedIdentities
 *   /{scope}/providers/Microsoft.Authorization/roleAssignments[/{guid}]
 *   /{scope}/providers/Microsoft.Authorization/roleDefinitions[/{guid}]   ({scope} may be empty for built-ins)
 * The last "providers" segment decides the provider, so role assignments scoped to a resource
 * (…/userAssignedIdentities/x/providers/Microsoft.Authorization/roleAssignments/…) route correctly.
 */
import { ArmError, badRequest, notFound } from "./errors.js";
import type { HandlerResult, RequestContext } from "./context.js";
import { AUTHORIZATION_API_VERSION, MSI_API_VERSION } from "./types.js";
import { eqIgnoreCase, resolveScope } from "./scope.js";
import { handleIdentity, handleIdentityList } from "./handlers/identities.js";
import { handleFic, handleFicList } from "./handlers/fics.js";
import { handleRoleAssignment, handleRoleAssignmentList } from "./handlers/role-assignments.js";
import { handleRoleDefinition, handleRoleDefinitionList } from "./handlers/role-definitions.js";

export function apiVersionOf(query: URLSearchParams): string | undefined {
  return query.get("api-version") ?? undefined;
}

/**
 * ARM rejects a missing api-version with 400 MissingApiVersionParameter and one the resource
 * type doesn't serve with 400 (InvalidApiVersionParameter, as modelled here; for registered
 * resource types real ARM may word it NoRegisteredProviderFound).
 */
function checkApiVersion(ctx: RequestContext, expected: string): void {
  const got = apiVersionOf(ctx.query);
  if (got === undefined || got === "") {
    throw badRequest("MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
  }
  if (got !== expected) {
    throw badRequest("InvalidApiVersionParameter", `The api-version '${got}' is invalid. The supported versions are '${expected}'.`);
  }
}

function unknownPath(ctx: RequestContext): ArmError {
  return notFound("NotFound", `No HTTP resource was found that matches the request URI '${ctx.path}'.`);
}

export async function route(ctx: RequestContext): Promise<HandlerResult> {
  const segs = ctx.segments;
  let p = -1;
  for (let i = segs.length - 2; i >= 0; i--) {
    if (eqIgnoreCase(segs[i], "providers")) {
      p = i;
      break;
    }
  }
  if (p < 0) throw unknownPath(ctx);
  const scopeSegs = segs.slice(0, p);
  const namespace = segs[p + 1]!;
  const rest = segs.slice(p + 2);
  if (eqIgnoreCase(namespace, "Microsoft.ManagedIdentity")) return routeMsi(ctx, scopeSegs, rest);
  if (eqIgnoreCase(namespace, "Microsoft.Authorization")) return routeAuthorization(ctx, scopeSegs, rest);
  throw notFound("InvalidResourceNamespace", `The resource namespace '${namespace}' is invalid (not modelled by the test ARM server).`);
}

async function routeMsi(ctx: RequestContext, scopeSegs: string[], rest: string[]): Promise<HandlerResult> {
  const [type, name, childType, childName, ...extra] = rest;
  const rgScope = scopeSegs.length === 4;
  const subScope = scopeSegs.length === 2;
  if (!eqIgnoreCase(type, "userAssignedIdentities") || extra.length > 0 || !(rgScope || subScope)) {
    throw notFound("InvalidResourceType", `The resource type '${rest.join("/")}' could not be found in the namespace 'Microsoft.ManagedIdentity' for api version '${apiVersionOf(ctx.query) ?? ""}'.`);
  }
  if (childType !== undefined && !eqIgnoreCase(childType, "federatedIdentityCredentials")) {
    throw notFound("InvalidResourceType", `The resource type 'userAssignedIdentities/${childType}' could not be found in the namespace 'Microsoft.ManagedIdentity'.`);
  }
  if (subScope && name !== undefined) throw unknownPath(ctx);
  checkApiVersion(ctx, MSI_API_VERSION);
  const scope = resolveScope(ctx, scopeSegs);
  if (!scope) throw unknownPath(ctx);
  const { subscriptionId, resourceGroup } = scope;
  if (name === undefined) return handleIdentityList(ctx, subscriptionId, resourceGroup);
  if (resourceGroup === undefined) throw unknownPath(ctx);
  if (childType === undefined) return handleIdentity(ctx, subscriptionId, resourceGroup, name);
  if (childName === undefined) return handleFicList(ctx, subscriptionId, resourceGroup, name);
  return handleFic(ctx, subscriptionId, resourceGroup, name, childName);
}

async function routeAuthorization(ctx: RequestContext, scopeSegs: string[], rest: string[]): Promise<HandlerResult> {
  const [type, name, ...extra] = rest;
  const isAssignments = eqIgnoreCase(type, "roleAssignments");
  const isDefinitions = eqIgnoreCase(type, "roleDefinitions");
  if ((!isAssignments && !isDefinitions) || extra.length > 0) {
    throw notFound("InvalidResourceType", `The resource type '${rest.join("/")}' could not be found in the namespace 'Microsoft.Authorization' (not modelled by the test ARM server).`);
  }
  checkApiVersion(ctx, AUTHORIZATION_API_VERSION);
  const scope = resolveScope(ctx, scopeSegs);
  if (!scope && !(isDefinitions && scopeSegs.length === 0)) {
    // Management-group and tenant-root assignments exist in Azure but are out of this model.
    throw new ArmError(501, "NotImplemented", `Scope '/${scopeSegs.join("/")}' is not modelled by the test ARM server.`);
  }
  if (isAssignments) return name === undefined ? handleRoleAssignmentList(ctx, scopeSegs) : handleRoleAssignment(ctx, scopeSegs, name);
  return name === undefined ? handleRoleDefinitionList(ctx, scopeSegs) : handleRoleDefinition(ctx, scopeSegs, name);
}
