/**
 * Microsoft.Authorization/roleAssignments, api-version 2022-04-01
 * (authorization-RoleAssignmentsCalls.json, see azure-specs/SOURCES.md):
 * PUT /{scope}/providers/Microsoft.Authorization/roleAssignments/{name} → 201 / 200,
 * GET → 200, DELETE → 200 with the deleted assignment / 204, list for scope → 200 (pageable).
 *
 * Service rules modelled:
 * - the name is a GUID (400 InvalidRoleAssignmentId) and unique in the tenant, whatever the scope
 * - one assignment per (scope, role definition, principal): another name → 409 RoleAssignmentExists
 * - an existing name can't change scope/principal/role → 409 RoleAssignmentUpdateNotPermitted;
 *   an identical PUT is idempotent (201 first, then `idempotentRoleAssignmentPutStatus`)
 * - the role definition must exist → 400 RoleDefinitionDoesNotExist
 * - the principal must exist in the directory and be replicated → 400 PrincipalNotFound
 * - principalType (default "User" per the spec) must match the principal → 400 UnmatchedPrincipalType
 */
import { badRequest, conflict, notFound } from "../errors.js";
import { GUID_RE, jsonBody, methodNotAllowed, objectProp, type HandlerResult, type RequestContext } from "../context.js";
import { page } from "../paging.js";
import { normaliseScope, PRINCIPAL_TYPES, type PrincipalType, type RoleAssignmentRecord } from "../state.js";

export const ROLE_ASSIGNMENT_TYPE = "Microsoft.Authorization/roleAssignments";

export function roleAssignmentJson(a: RoleAssignmentRecord) {
  return {
    id: `${a.scope}/providers/${ROLE_ASSIGNMENT_TYPE}/${a.name}`,
    name: a.name,
    type: ROLE_ASSIGNMENT_TYPE,
    properties: {
      roleDefinitionId: a.roleDefinitionId,
      principalId: a.principalId,
      principalType: a.principalType,
      scope: a.scope,
      description: a.description,
      condition: a.condition,
      conditionVersion: a.conditionVersion,
      createdOn: a.createdOn,
      updatedOn: a.updatedOn,
      createdBy: a.createdBy,
      updatedBy: a.updatedBy,
      delegatedManagedIdentityResourceId: null,
    },
  };
}

/** GUID at the end of a roleDefinitionId ("/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/{guid}" or "/providers/..."). */
export function roleDefinitionGuid(roleDefinitionId: string): string | undefined {
  const m = /\/providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/i.exec(roleDefinitionId);
  return m && GUID_RE.test(m[1]!) ? m[1]!.toLowerCase() : undefined;
}

const lower = (s: string) => s.toLowerCase();
const isAncestorOrSelf = (ancestor: string, scope: string) => {
  const a = lower(ancestor);
  const s = lower(scope);
  return a === s || a === "/" || s.startsWith(`${a}/`);
};

function readOptionalString(props: Record<string, unknown>, name: string): string | null {
  const v = props[name];
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw badRequest("InvalidRequestContent", `The request content was invalid and could not be deserialized: '${name}' must be a string.`);
  return v;
}

export function handleRoleAssignment(ctx: RequestContext, scopeSegs: string[], name: string): HandlerResult {
  const scope = normaliseScope(scopeSegs.join("/"));
  if (!GUID_RE.test(name)) {
    throw badRequest("InvalidRoleAssignmentId", `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`);
  }
  const { state, options } = ctx;
  const existing = state.getRoleAssignment(name);
  const here = existing && lower(existing.scope) === lower(scope) ? existing : undefined;
  switch (ctx.method) {
    case "GET":
      if (!here) throw notFound("RoleAssignmentNotFound", `The role assignment '${name}' is not found.`);
      return { status: 200, body: roleAssignmentJson(here) };
    case "DELETE":
      if (!here) return { status: 204 };
      state.roleAssignments.delete(lower(name));
      return { status: 200, body: roleAssignmentJson(here) };
    case "PUT": {
      const props = objectProp(jsonBody(ctx), "properties");
      if (!props) throw badRequest("InvalidRequestContent", "The request content was invalid and could not be deserialized: 'properties' is required.");
      const { roleDefinitionId, principalId } = props;
      if (typeof roleDefinitionId !== "string" || typeof principalId !== "string") {
        throw badRequest("InvalidRequestContent", "The request content was invalid and could not be deserialized: 'roleDefinitionId' and 'principalId' are required.");
      }
      const principalTypeRaw = props.principalType ?? "User"; // spec default
      const principalType = PRINCIPAL_TYPES.find((t) => lower(t) === lower(String(principalTypeRaw)));
      if (!principalType) {
        throw badRequest("InvalidPrincipalType", `The principal type '${String(principalTypeRaw)}' is not valid. Valid values: ${PRINCIPAL_TYPES.join(", ")}.`);
      }
      const description = readOptionalString(props, "description");
      const condition = readOptionalString(props, "condition");
      const conditionVersion = readOptionalString(props, "conditionVersion");
      const roleGuid = roleDefinitionGuid(roleDefinitionId);
      if (!roleGuid || !state.getRoleDefinition(roleGuid)) {
        throw badRequest("RoleDefinitionDoesNotExist", `The specified role definition with ID '${roleGuid ?? roleDefinitionId}' does not exist.`);
      }
      const now = new Date().toISOString();

      if (existing) {
        const sameTarget =
          lower(existing.scope) === lower(scope) &&
          lower(existing.principalId) === lower(principalId) &&
          roleDefinitionGuid(existing.roleDefinitionId) === roleGuid;
        if (!sameTarget) {
          throw conflict("RoleAssignmentUpdateNotPermitted", "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.");
        }
        Object.assign(existing, { principalType, description, condition, conditionVersion, updatedOn: now, updatedBy: options.callerPrincipalId });
        return { status: options.idempotentRoleAssignmentPutStatus, body: roleAssignmentJson(existing) };
      }

      checkPrincipal(ctx, principalId, principalType, props.principalType !== undefined);

      const duplicate = state
        .listRoleAssignments()
        .find((a) => lower(a.scope) === lower(scope) && lower(a.principalId) === lower(principalId) && roleDefinitionGuid(a.roleDefinitionId) === roleGuid);
      if (duplicate) throw conflict("RoleAssignmentExists", "The role assignment already exists.");

      const created: RoleAssignmentRecord = {
        name: lower(name),
        scope,
        roleDefinitionId,
        principalId,
        principalType,
        description,
        condition,
        conditionVersion,
        createdOn: now,
        updatedOn: now,
        createdBy: options.callerPrincipalId,
        updatedBy: options.callerPrincipalId,
      };
      state.roleAssignments.set(created.name, created);
      return { status: 201, body: roleAssignmentJson(created) };
    }
    default:
      throw methodNotAllowed(ctx);
  }
}

function checkPrincipal(ctx: RequestContext, principalId: string, principalType: PrincipalType, typeGiven: boolean): void {
  const { state, options } = ctx;
  const known = state.principals.get(lower(principalId));
  const visible = state.visiblePrincipal(principalId);
  const bypass = options.principalTypeBypassesReplicationDelay && typeGiven && known !== undefined;
  if (!visible && !bypass) {
    throw badRequest(
      "PrincipalNotFound",
      `Principal ${principalId.replace(/-/g, "")} does not exist in the directory ${state.tenantId}. Check that you have the correct principal ID. ` +
        "If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. " +
        "In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group. See https://aka.ms/docs-principaltype",
    );
  }
  const actual = (visible ?? known)!.type;
  if (actual !== principalType) {
    throw badRequest(
      "UnmatchedPrincipalType",
      `The PrincipalId '${principalId.replace(/-/g, "")}' has type '${actual}', which is different from specified PrincipalType '${principalType}'.`,
    );
  }
}

/**
 * List for a scope. $filter support (what RoleAssignments.listForScope & co. send):
 * none → assignments at, above and below the scope; `atScope()` → at or above;
 * `principalId eq '{id}'` / `assignedTo('{id}')` → that principal (at, above, below);
 * terms can be joined with `and`.
 */
export function handleRoleAssignmentList(ctx: RequestContext, scopeSegs: string[]): HandlerResult {
  if (ctx.method !== "GET") throw methodNotAllowed(ctx);
  const scope = normaliseScope(scopeSegs.join("/"));
  let atScope = false;
  let principal: string | undefined;
  const filter = ctx.query.get("$filter");
  if (filter) {
    for (const term of filter.trim().split(/\s+and\s+/i)) {
      let m: RegExpExecArray | null;
      if (/^atScope\(\)$/i.test(term)) atScope = true;
      else if ((m = /^principalId\s+eq\s+'([^']+)'$/i.exec(term)) || (m = /^assignedTo\('([^']+)'\)$/i.exec(term))) principal = m[1];
      else throw badRequest("BadRequest", `The $filter '${filter}' is not supported. Supported: atScope(), principalId eq '{id}', assignedTo('{id}').`);
    }
  }
  const items = ctx.state
    .listRoleAssignments()
    .filter((a) => isAncestorOrSelf(a.scope, scope) || (!atScope && isAncestorOrSelf(scope, a.scope)))
    .filter((a) => principal === undefined || lower(a.principalId) === lower(principal))
    .map(roleAssignmentJson);
  return { status: 200, body: page(ctx, items) };
}
