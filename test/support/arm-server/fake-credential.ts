import type { AccessToken, TokenCredential } from "@azure/core-auth";

/**
 * A TokenCredential that never touches the network (unlike DefaultAzureCredential, which
 * would probe IMDS at 169.254.169.254). Records the scopes it was asked for.
 */
export function fakeCredential(token = "test-token"): TokenCredential & { scopesRequested: string[][] } {
  const scopesRequested: string[][] = [];
  return {
    scopesRequested,
    async getToken(scopes: string | string[]): Promise<AccessToken> {
      scopesRequested.push(Array.isArray(scopes) ? scopes : [scopes]);
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}
