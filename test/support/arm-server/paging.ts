import type { RequestContext } from "./context.js";

/**
 * Server-side paging for list operations (`x-ms-pageable` with nextLinkName "nextLink" in the
 * specs). The nextLink is absolute, keeps api-version/$filter/$top and adds `$skiptoken`
 * (an offset), as in the IdentityListByResourceGroup example.
 */
export function page<T>(ctx: RequestContext, items: T[]): { value: T[]; nextLink?: string } {
  let skip = 0;
  let top: number | undefined;
  for (const [k, v] of ctx.query) {
    const lk = k.toLowerCase();
    if (lk === "$skiptoken") skip = Math.max(0, Number.parseInt(v, 10) || 0);
    if (lk === "$top") top = Math.max(1, Number.parseInt(v, 10) || 1);
  }
  const size = Math.min(top ?? ctx.options.pageSize, ctx.options.pageSize);
  const value = items.slice(skip, skip + size);
  if (skip + size >= items.length) return { value };
  const next = new URLSearchParams();
  for (const [k, v] of ctx.query) if (k.toLowerCase() !== "$skiptoken") next.append(k, v);
  next.set("$skiptoken", String(skip + size));
  return { value, nextLink: `${ctx.baseUrl}${ctx.path}?${next.toString()}` };
}
