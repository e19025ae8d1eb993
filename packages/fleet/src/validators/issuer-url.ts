import { showString } from "../describe-value.js";

/**
 * Checks an OIDC issuer URL: an absolute https URL with a host, without credentials, query or
 * fragment. The value itself is never normalised by callers: federated credentials compare
 * issuers byte for byte, so the trailing slash AKS reports must be kept.
 */
export function checkIssuerUrl(value: string): string | undefined {
  return checkHttpsIssuer(value, "expected the https URL printed by az aks show --query oidcIssuerProfile.issuerUrl -o tsv");
}

/**
 * Checks the issuer of an external federation (a token issuer other than the cluster): the same
 * rules as {@link checkIssuerUrl}, at most 600 characters. Kept byte for byte like the cluster's.
 */
export function checkExternalIssuer(value: string): string | undefined {
  if (value.length > 600) return `must be at most 600 characters, got ${value.length}`;
  return checkHttpsIssuer(value, "expected the issuer's https URL exactly as it appears in the tokens' iss claim");
}

function checkHttpsIssuer(value: string, expected: string): string | undefined {
  const shown = showString(value);
  if (/\s/.test(value)) return `must not contain whitespace, got ${shown}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${expected}, got ${shown}`;
  }
  if (url.protocol !== "https:") return `must use https://, got ${shown}`;
  if (url.hostname === "") return `${expected}, got ${shown}`;
  if (url.username !== "" || url.password !== "") return `must not contain credentials (user@), got ${shown}`;
  if (value.includes("?")) return `must not have a query string ('?...'), got ${shown}`;
  if (value.includes("#")) return `must not have a fragment ('#...'), got ${shown}`;
  return undefined;
}

/**
 * The key under which two issuer URLs are considered the same issuer: case-insensitive, trailing
 * slashes ignored. Only used for duplicate detection; specs keep the exact value.
 */
export function issuerKey(value: string): string {
  return value.toLowerCase().replace(/\/+$/, "");
}
