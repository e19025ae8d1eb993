/**
 * Microsoft.Authorization/roleDefinitions, api-version 2022-04-01:
 * PUT /{scope}/providers/Microsoft.Authorization/roleDefinitions/{guid} → 201 (the operation
 * declares only 201, also for updates — @azure/arm-authorization treats any other 2xx as an
 * error), GET → 200, DELETE → 200 / 204, list → 200 with $filter roleName eq '..' / type eq '..'.
 * Built-in roles (builtin-roles.ts) are visible at every scope and cannot be changed.
 */
import { badRequest, conflict, notFound } from "../errors.js";
import { GUID_RE, jsonBody, methodNotAllowed, objectProp, type HandlerResult, type RequestContext } from "../context.js";
import { page } from "../paging.js";
import { normaliseScope, type RolePermission, type RoleDefinitionRecord } from "../state.js";
import { roleDefinitionGuid } from "./role-assignments.js";

export const ROLE_DEFINITION_TYPE = "Microsoft.Authorization/roleDefinitions";

export function roleDefinitionJson(def: RoleDefinitionRecord, scope: string) {
  const prefix = scope === "/" ? "" : scope;
  return {
    id: `${prefix}/providers/${ROLE_DEFINITION_TYPE}/${def.name}`,
    name: def.name,
    type: ROLE_DEFINITION_TYPE,
    properties: {
      roleName: def.roleName,
      type: def.roleType,
      description: def.description,
      assignableScopes: [...def.assignableScopes],
      permissions: def.permissions.map((p) => ({ ...p })),
      createdOn: def.createdOn,
      updatedOn: def.updatedOn,
      createdBy: null,
      updatedBy: null,
    },
  };
}

const strings = (v: unknown, what: string): string[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw badRequest("InvalidRequestContent", `'${what}' must be an array of strings.`);
  return v as string[];
};

function readPermissions(v: unknown): RolePermission[] {
  if (!Array.isArray(v) || v.length === 0) throw badRequest("BadRequest", "The role definition must have at least one permission.");
  return v.map((p, i) => {
    if (typeof p !== "object" || p === null) throw badRequest("InvalidRequestContent", `permissions[${i}] must be an object.`);
    const o = p as Record<string, unknown>;
    return {
      actions: strings(o.actions, `permissions[${i}].actions`),
      notActions: strings(o.notActions, `permissions[${i}].notActions`),
      dataActions: strings(o.dataActions, `permissions[${i}].dataActions`),
      notDataActions: strings(o.notDataActions, `permissions[${i}].notDataActions`),
    };
  });
}

export function handleRoleDefinition(ctx: RequestContext, scopeSegs: string[], id: string): HandlerResult {
  const scope = normaliseScope(scopeSegs.join("/"));
  if (!GUID_RE.test(id)) throw badRequest("InvalidRoleDefinitionId", `The role definition ID '${id}' is not valid. The role definition ID must be a GUID.`);
  const { state } = ctx;
  const existing = state.getRoleDefinition(id);
  switch (ctx.method) {
    case "GET":
      if (!existing) throw notFound("RoleDefinitionDoesNotExist", `The specified role definition with ID '${id}' does not exist.`);
      return { status: 200, body: roleDefinitionJson(existing, scope) };
    case "DELETE": {
      if (!existing) return { status: 204 };
      if (existing.roleType === "BuiltInRole") throw badRequest("BadRequest", "Built-in role definitions cannot be deleted.");
      if (state.listRoleAssignments().some((a) => roleDefinitionGuid(a.roleDefinitionId) === existing.name)) {
        throw conflict("RoleDefinitionHasAssignments", "There are existing role assignments referencing this role definition; delete them first.");
      }
      state.roleDefinitions.delete(existing.name);
      return { status: 200, body: roleDefinitionJson(existing, scope) };
    }
    case "PUT": {
      if (existing?.roleType === "BuiltInRole") throw badRequest("BadRequest", "Built-in role definitions cannot be modified.");
      const props = objectProp(jsonBody(ctx), "properties");
      if (!props) throw badRequest("InvalidRequestContent", "'properties' is required.");
      const roleName = props.roleName;
      if (typeof roleName !== "string" || roleName.trim() === "") throw badRequest("BadRequest", "The role definition name (roleName) is required.");
      const roleType = props.type ?? "CustomRole";
      if (roleType !== "CustomRole") throw badRequest("BadRequest", `Only 'CustomRole' definitions can be created; got type '${String(roleType)}'.`);
      const permissions = readPermissions(props.permissions);
      const assignableScopes = strings(props.assignableScopes, "assignableScopes").map(normaliseScope);
      if (assignableScopes.length === 0) throw badRequest("BadRequest", "At least one assignable scope is required.");
      for (const s of assignableScopes) {
        if (!/^\/subscriptions\/[^/]+(\/resourceGroups\/[^/]+)?(\/.*)?$/i.test(s) && !/^\/providers\/Microsoft\.Management\/managementGroups\/[^/]+$/i.test(s)) {
          throw badRequest("BadRequest", `The assignable scope '${s}' is not valid.`);
        }
      }
      const clash = [...state.roleDefinitions.values()].find((d) => d.name !== id.toLowerCase() && d.roleName.toLowerCase() === roleName.toLowerCase());
      if (clash) throw conflict("RoleDefinitionWithSameNameExists", "A custom role with the same name already exists in this directory.");
      const now = new Date().toISOString();
      const description = typeof props.description === "string" ? props.description : "";
      const record: RoleDefinitionRecord = {
        name: id.toLowerCase(),
        roleName,
        description,
        roleType: "CustomRole",
        permissions,
        assignableScopes,
        scope,
        createdOn: existing?.createdOn ?? now,
        updatedOn: now,
      };
      state.roleDefinitions.set(record.name, record);
      return { status: 201, body: roleDefinitionJson(record, scope) };
    }
    default:
      throw methodNotAllowed(ctx);
  }
}

export function handleRoleDefinitionList(ctx: RequestContext, scopeSegs: string[]): HandlerResult {
  if (ctx.method !== "GET") throw methodNotAllowed(ctx);
  const scope = normaliseScope(scopeSegs.join("/"));
  let roleName: string | undefined;
  let roleType: string | undefined;
  const filter = ctx.query.get("$filter");
  if (filter) {
    for (const term of filter.trim().split(/\s+and\s+/i)) {
      let m: RegExpExecArray | null;
      if ((m = /^roleName\s+eq\s+'([^']*)'$/i.exec(term))) roleName = m[1];
      else if ((m = /^type\s+eq\s+'([^']*)'$/i.exec(term))) roleType = m[1];
      else throw badRequest("BadRequest", `The $filter '${filter}' is not supported. Supported: roleName eq '..', type eq '..'.`);
    }
  }
  const items = [...ctx.state.roleDefinitions.values()]
    .filter((d) => roleName === undefined || d.roleName.toLowerCase() === roleName.toLowerCase())
    .filter((d) => roleType === undefined || d.roleType.toLowerCase() === roleType.toLowerCase())
    .map((d) => roleDefinitionJson(d, scope));
  return { status: 200, body: page(ctx, items) };
}
