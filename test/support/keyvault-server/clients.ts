/**
 * Access to a test Key Vault server through the real @azure/keyvault-keys clients: a fake
 * TokenCredential that records the scopes asked for, the server's CA trusted for these clients
 * only (`tlsOptions`), challenge resource verification off (the vault is 127.0.0.1, not
 * *.vault.azure.net), fast retries and a guard refusing any non-loopback request.
 */
import type { AzureKeyVaultAccess } from "@flotilla/sops";
import { fakeCredential } from "../arm-server/fake-credential.js";
import { loopbackOnlyPolicy } from "../arm-server/sdk-clients.js";
import type { KeyVaultServer } from "./server.js";

export function keyVaultAccess(server: Pick<KeyVaultServer, "caCertPem">, token = "test-token"): AzureKeyVaultAccess & { credential: ReturnType<typeof fakeCredential> } {
  return {
    credential: fakeCredential(token),
    clientOptions: {
      disableChallengeResourceVerification: true,
      tlsOptions: { ca: server.caCertPem },
      retryOptions: { maxRetries: 1, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
      additionalPolicies: [{ policy: loopbackOnlyPolicy(), position: "perRetry" }],
    },
  };
}
