import { ArmError, notFound } from "./errors.js";
import type { RequestContext } from "./context.js";

const eq = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

export interface ParsedScope {
  subscriptionId: string;
  resourceGroup?: string;
}

/**
 * Reads `subscriptions/{sub}[/resourceGroups/{rg}[/...]]` from scope segments and checks that
 * they exist, as ARM does before it routes to a resource provider:
 * unknown subscription → 404 SubscriptionNotFound, unknown resource group → 404 ResourceGroupNotFound.
 * Returns undefined when the scope is not subscription-based (tenant root, management groups).
 */
export function resolveScope(ctx: RequestContext, segs: string[]): ParsedScope | undefined {
  if (!eq(segs[0], "subscriptions") || segs[1] === undefined) return undefined;
  const subscriptionId = segs[1];
  if (!ctx.state.hasSubscription(subscriptionId)) {
    throw notFound("SubscriptionNotFound", `The subscription '${subscriptionId}' could not be found.`);
  }
  if (segs.length === 2) return { subscriptionId };
  if (!eq(segs[2], "resourceGroups") || segs[3] === undefined) {
    throw new ArmError(404, "NotFound", `The path '${ctx.path}' is not a valid ARM scope.`);
  }
  const resourceGroup = segs[3];
  if (!ctx.state.getResourceGroup(subscriptionId, resourceGroup)) {
    throw notFound("ResourceGroupNotFound", `Resource group '${resourceGroup}' could not be found.`);
  }
  return { subscriptionId, resourceGroup };
}

export { eq as eqIgnoreCase };
