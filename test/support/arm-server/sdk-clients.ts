/**
 * Real Azure SDK clients pointed at a test ARM server.
 *
 * How the CA is trusted: @azure/core-rest-pipeline's `tlsOptions` pipeline option
 * (PipelineOptions.tlsOptions → tlsPolicy → request.tlsSettings) is spread into the
 * `https.Agent` the Node HTTP client creates, so `tlsOptions: { ca }` trusts the server's CA
 * for that client only — no NODE_TLS_REJECT_UNAUTHORIZED, no global agent changes.
 *
 * Both clients build URLs from `endpoint` (ServiceClient._endpoint); `$host` is set as well
 * because the generated constructors default it to https://management.azure.com.
 * A per-retry guard policy refuses any request whose host is not loopback, before the HTTP
 * client runs, so a mis-wired client can never reach Azure.
 */
import { ManagedServiceIdentityClient, type ManagedServiceIdentityClientOptionalParams } from "@azure/arm-msi";
import { AuthorizationManagementClient, type AuthorizationManagementClientOptionalParams } from "@azure/arm-authorization";
import type { TokenCredential } from "@azure/core-auth";
import { fakeCredential } from "./fake-credential.js";

type AdditionalPolicy = NonNullable<ManagedServiceIdentityClientOptionalParams["additionalPolicies"]>[number];
type PipelinePolicy = AdditionalPolicy["policy"];

export interface RetryOptions {
  /** Default 3. */
  maxRetries?: number;
  /** Base of the exponential back-off for 5xx/transport errors. Default 50 ms. */
  retryDelayInMs?: number;
  /** Cap of that back-off (Retry-After on 429/503 is honoured as sent, uncapped). Default 1000 ms. */
  maxRetryDelayInMs?: number;
}

export interface ArmClientTarget {
  url: string;
  caCertPem: string;
  subscriptionId: string;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** Pipeline policy that throws unless the request goes to a loopback host without a proxy. */
export function loopbackOnlyPolicy(): PipelinePolicy {
  return {
    name: "flotillaLoopbackOnly",
    async sendRequest(request, next) {
      const host = new URL(request.url).hostname;
      if (!LOOPBACK_HOSTS.has(host)) throw new Error(`loopbackOnlyPolicy: refusing to send ${request.method} to non-loopback host '${host}'`);
      if (request.proxySettings) throw new Error(`loopbackOnlyPolicy: refusing to send through proxy ${request.proxySettings.host}`);
      return next(request);
    },
  };
}

/** Client options shared by both SDK clients (endpoint, CA, retries, loopback guard). */
export function armClientOptions(
  server: Pick<ArmClientTarget, "url" | "caCertPem">,
  retry: RetryOptions = {},
): ManagedServiceIdentityClientOptionalParams & AuthorizationManagementClientOptionalParams {
  return {
    endpoint: server.url,
    $host: server.url,
    credentialScopes: ["https://management.azure.com/.default"],
    tlsOptions: { ca: server.caCertPem },
    retryOptions: {
      maxRetries: retry.maxRetries ?? 3,
      retryDelayInMs: retry.retryDelayInMs ?? 50,
      maxRetryDelayInMs: retry.maxRetryDelayInMs ?? 1000,
    },
    additionalPolicies: [{ policy: loopbackOnlyPolicy(), position: "perRetry" as const }],
  };
}

export interface ArmClients {
  msi: ManagedServiceIdentityClient;
  authorization: AuthorizationManagementClient;
  credential: TokenCredential;
}

export function createArmClients(
  server: ArmClientTarget,
  opts: { credential?: TokenCredential; subscriptionId?: string; retry?: RetryOptions } = {},
): ArmClients {
  const credential = opts.credential ?? fakeCredential();
  const subscriptionId = opts.subscriptionId ?? server.subscriptionId;
  const options = armClientOptions(server, opts.retry);
  return {
    msi: new ManagedServiceIdentityClient(credential, subscriptionId, options),
    authorization: new AuthorizationManagementClient(credential, subscriptionId, options),
    credential,
  };
}
