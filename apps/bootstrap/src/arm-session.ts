/**
 * The Azure SDK clients bootstrap uses (@azure/arm-msi, @azure/arm-authorization), one pair per
 * subscription, sharing one credential and one pipeline set-up:
 * - the SDK's retry policy retries 429 (honouring Retry-After, capped at {@link MAX_RETRY_AFTER_S};
 *   a 429 without Retry-After waits the exponential back-off with jitter of 5xx answers), 5xx and
 *   dropped connections, `maxRetries` times;
 * - every attempt has a timeout (a hung connection becomes a retryable ETIMEDOUT);
 * - every request must go to the configured endpoint's origin (a nextLink elsewhere is refused);
 * - every attempt is counted (reads / writes) for the summary.
 * Tokens live only inside the SDK's bearer-token policy; nothing here logs requests.
 */
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ManagedServiceIdentityClient, type ManagedServiceIdentityClientOptionalParams } from "@azure/arm-msi";
import type { TokenCredential } from "@azure/identity";
import { backoffDelay } from "./retry.js";

type AdditionalPolicy = NonNullable<ManagedServiceIdentityClientOptionalParams["additionalPolicies"]>[number];
export type PipelinePolicy = AdditionalPolicy["policy"];

/** Azure Resource Manager in the public cloud; also the token audience. */
export const AZURE_RESOURCE_MANAGER = "https://management.azure.com";
/** A Retry-After longer than this is shortened to it (the retry count still bounds the total). */
export const MAX_RETRY_AFTER_S = 60;

export interface SdkRetryOptions {
  /** Retries after the first attempt. Default 4. */
  maxRetries: number;
  /** Base of the exponential back-off for 5xx and transport errors. Default 1000 ms. */
  retryDelayInMs: number;
  /** Cap of one back-off. Default 16000 ms. */
  maxRetryDelayInMs: number;
}

export const DEFAULT_SDK_RETRY: SdkRetryOptions = { maxRetries: 4, retryDelayInMs: 1000, maxRetryDelayInMs: 16_000 };

export interface ArmSessionOptions {
  credential: TokenCredential;
  /** ARM base URL. Default {@link AZURE_RESOURCE_MANAGER}; anything else only through the test hook (test-hooks.ts). */
  endpoint?: string | undefined;
  /** PEM of an extra CA to trust for this endpoint (test hook). */
  caCertPem?: string | undefined;
  sdkRetry?: Partial<SdkRetryOptions> | undefined;
  /** Per attempt. Default 60 s. */
  requestTimeoutMs?: number | undefined;
  /** Extra per-retry policies (tests add a loopback guard). */
  additionalPolicies?: PipelinePolicy[] | undefined;
}

export interface RequestCounts {
  reads: number;
  writes: number;
}

export interface SubscriptionClients {
  msi: ManagedServiceIdentityClient;
  authorization: AuthorizationManagementClient;
}

export class ArmSession {
  /** HTTP attempts made so far (retries included). */
  readonly counts: RequestCounts = { reads: 0, writes: 0 };
  private readonly clients = new Map<string, SubscriptionClients>();
  /** The ARM base URL requests go to. */
  readonly endpoint: string;

  constructor(private readonly options: ArmSessionOptions) {
    this.endpoint = (options.endpoint ?? AZURE_RESOURCE_MANAGER).replace(/\/+$/, "");
  }

  /** The clients for one subscription (created once). */
  forSubscription(subscriptionId: string): SubscriptionClients {
    const key = subscriptionId.toLowerCase();
    let pair = this.clients.get(key);
    if (!pair) {
      const clientOptions = this.clientOptions();
      pair = {
        msi: new ManagedServiceIdentityClient(this.options.credential, subscriptionId, clientOptions),
        authorization: new AuthorizationManagementClient(this.options.credential, subscriptionId, clientOptions),
      };
      this.clients.set(key, pair);
    }
    return pair;
  }

  private clientOptions(): ManagedServiceIdentityClientOptionalParams {
    const retry = { ...DEFAULT_SDK_RETRY, ...this.options.sdkRetry };
    const perRetry: PipelinePolicy[] = [
      sameOriginPolicy(this.endpoint),
      countingPolicy(this.counts),
      throttleDelayPolicy(MAX_RETRY_AFTER_S, retry),
      timeoutPolicy(this.options.requestTimeoutMs ?? 60_000),
      ...(this.options.additionalPolicies ?? []),
    ];
    return {
      endpoint: this.endpoint,
      $host: this.endpoint,
      // The token audience is always ARM's, also when a test server stands in for it.
      credentialScopes: [`${AZURE_RESOURCE_MANAGER}/.default`],
      ...(this.options.caCertPem ? { tlsOptions: { ca: this.options.caCertPem } } : {}),
      retryOptions: retry,
      userAgentOptions: { userAgentPrefix: "flotilla-bootstrap" },
      additionalPolicies: perRetry.map((policy) => ({ policy, position: "perRetry" as const })),
    };
  }
}

/** Refuses any request that does not go to `endpoint`'s origin (scheme, host, port). */
export function sameOriginPolicy(endpoint: string): PipelinePolicy {
  const origin = new URL(endpoint).origin;
  return {
    name: "flotillaSameOrigin",
    async sendRequest(request, next) {
      const target = new URL(request.url).origin;
      if (target !== origin) throw new Error(`refusing to send a request to ${target}: bootstrap only talks to ${origin}`);
      return next(request);
    },
  };
}

function countingPolicy(counts: RequestCounts): PipelinePolicy {
  return {
    name: "flotillaRequestCount",
    async sendRequest(request, next) {
      if (request.method === "GET" || request.method === "HEAD") counts.reads++;
      else counts.writes++;
      return next(request);
    },
  };
}

const RETRY_AFTER_HEADERS = ["retry-after-ms", "x-ms-retry-after-ms", "retry-after"];

/**
 * How long a throttled (429) answer makes the SDK's retry policy wait, which it reads from
 * Retry-After: a Retry-After above `maxSeconds` is shortened to it, so one answer cannot stall
 * apply for long; a 429 without one (the SDK would not retry it at all) gets the back-off of
 * retry.ts from the SDK's own bounds — base `retryDelayInMs`, doubling per attempt, capped at
 * `maxRetryDelayInMs`, ±25 % jitter — as `retry-after-ms`. The retry count stays the SDK's.
 */
function throttleDelayPolicy(maxSeconds: number, bounds: SdkRetryOptions): PipelinePolicy {
  const attempts = new WeakMap<object, number>();
  return {
    name: "flotillaThrottleDelay",
    async sendRequest(request, next) {
      // The SDK's retry policy sends the same request object again for each attempt.
      const attempt = (attempts.get(request) ?? 0) + 1;
      attempts.set(request, attempt);
      const response = await next(request);
      const value = response.headers.get("retry-after");
      if (value !== undefined) {
        const seconds = Number(value);
        const dateMs = Number.isNaN(seconds) ? Date.parse(value) - Date.now() : seconds * 1000;
        if (Number.isFinite(dateMs) && dateMs > maxSeconds * 1000) response.headers.set("retry-after", String(maxSeconds));
      } else if (response.status === 429 && !RETRY_AFTER_HEADERS.some((name) => response.headers.has(name))) {
        const delay = backoffDelay({ baseDelayMs: bounds.retryDelayInMs, maxDelayMs: bounds.maxRetryDelayInMs }, attempt);
        response.headers.set("retry-after-ms", String(delay));
      }
      return response;
    },
  };
}

/**
 * Aborts an attempt after `ms` and reports it as ETIMEDOUT, which the SDK's retry policy treats
 * as a transport error and retries (its own `request.timeout` surfaces as a non-retried abort).
 */
function timeoutPolicy(ms: number): PipelinePolicy {
  return {
    name: "flotillaAttemptTimeout",
    async sendRequest(request, next) {
      const outer = request.abortSignal;
      const controller = new AbortController();
      const forward = () => controller.abort();
      if (outer?.aborted) forward();
      outer?.addEventListener("abort", forward, { once: true });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, ms);
      request.abortSignal = controller.signal;
      try {
        return await next(request);
      } catch (error) {
        if (timedOut) throw Object.assign(new Error(`no answer from ARM within ${ms} ms`), { code: "ETIMEDOUT" });
        throw error;
      } finally {
        clearTimeout(timer);
        outer?.removeEventListener("abort", forward);
        request.abortSignal = outer;
      }
    },
  };
}
