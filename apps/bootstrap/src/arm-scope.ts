/** ARM IDs and scopes: compared case-insensitively, passed to the SDK without a leading slash. */

/** `/subscriptions/x/...` → `subscriptions/x/...`: the SDK's URL templates are `/{scope}/providers/...`. */
export function sdkScope(scope: string): string {
  return scope.replace(/^\/+/, "");
}

/** One leading slash, no trailing slash, lower case: for comparing scopes and IDs. */
export function scopeKey(scope: string): string {
  return `/${scope.replace(/\/{2,}/g, "/").replace(/^\/|\/$/g, "")}`.toLowerCase();
}

/** The subscription a scope lies in, or undefined (management groups, tenant root). */
export function subscriptionOfScope(scope: string): string | undefined {
  return /^\/*subscriptions\/([^/]+)/i.exec(scope)?.[1];
}

/** The GUID at the end of a role definition ID, lower case (built-in IDs come in several prefixes). */
export function roleDefinitionGuid(roleDefinitionId: string): string {
  return (roleDefinitionId.split("/").pop() ?? roleDefinitionId).toLowerCase();
}

/** The last segment of a resource ID or scope, for short display. */
export function lastSegment(id: string): string {
  return id.split("/").filter(Boolean).pop() ?? id;
}
