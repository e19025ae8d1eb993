import type { ArmState } from "./state.js";
import type { FaultInjector, FaultType } from "./faults.js";

/** api-versions this server serves; anything else is answered 400 (see router.ts). */
export const MSI_API_VERSION = "2024-11-30";
export const AUTHORIZATION_API_VERSION = "2022-04-01";

export interface ResourceGroupSeed {
  name: string;
  /** Defaults to the server's `subscriptionId`. */
  subscriptionId?: string;
  location?: string;
}

export interface ArmServerOptions {
  /** Subscription known to the server. Default `00000000-0000-4000-8000-000000000001`. */
  subscriptionId?: string;
  /** Extra subscriptions (their resource groups come from `resourceGroups`). */
  extraSubscriptionIds?: string[];
  /** Tenant every identity belongs to. Default `00000000-0000-4000-8000-0000000000aa`. */
  tenantId?: string;
  /** Resource groups that exist. Strings live in `subscriptionId`. Default `["rg-flotilla"]`. */
  resourceGroups?: Array<string | ResourceGroupSeed>;
  /**
   * Entra replication delay: a new identity's service principal is invisible to role
   * assignments (400 PrincipalNotFound) for this long after the identity PUT. Default 200 ms.
   */
  principalReplicationDelayMs?: number;
  /**
   * Azure docs suggest that setting `principalType` on the role assignment avoids the
   * replication race; in practice it does not always (MicrosoftDocs/azure-docs#103085).
   * Default false: PrincipalNotFound is answered whatever principalType says.
   */
  principalTypeBypassesReplicationDelay?: boolean;
  /**
   * How long one FIC write (PUT/DELETE) holds its identity's lock; any other FIC write to the
   * same identity meanwhile gets 409 ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity.
   * The write's response is sent when the lock period ends. Default 50 ms.
   */
  ficWriteLockMs?: number;
  /** Keep the lock this much longer AFTER the response was sent (models slow back-ends). Default 0. */
  ficLockTailMs?: number;
  /** Azure's limit of federated identity credentials per user-assigned identity. Default 20. */
  maxFicsPerIdentity?: number;
  /** Page size of list operations (a `nextLink` is returned beyond it). Default 100. */
  pageSize?: number;
  /** Status for a PUT of an existing role assignment with identical properties (spec allows 200/201). Default 200. */
  idempotentRoleAssignmentPutStatus?: 200 | 201;
  /** Decide whether a bearer token is valid. Default: any non-empty token. */
  acceptToken?: (token: string) => boolean;
  /** Use this key/cert instead of generating one with openssl. */
  tls?: { keyPem: string; certPem: string; caCertPem: string };
}

export interface RecordedRequest {
  /** 1-based arrival order. */
  seq: number;
  method: string;
  /** Normalised path (duplicate slashes collapsed), without the query. */
  path: string;
  /** Decoded query parameters. */
  query: Record<string, string>;
  apiVersion: string | undefined;
  /** Status sent; 0 when the connection was dropped before any response. */
  status: number;
  /** ARM error code of an error answer (also set for a dropped-after-apply write that would have failed). */
  errorCode?: string;
  /** True when the socket was destroyed instead of answering. */
  dropped: boolean;
  /** For `drop` faults in phase "after-apply": the status the handler produced but never sent. */
  unsentStatus?: number;
  /** Fault that shaped this answer, if any. */
  fault?: FaultType;
  /** The x-ms-request-id of the answer. */
  requestId: string;
  /** Date.now() when the request arrived. */
  timestamp: number;
  /** ms from arrival to answer (or drop). */
  durationMs: number;
}

export interface ArmServer {
  /** `https://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  /** PEM of the CA that signed the server certificate. Trust it with `tlsOptions: { ca }`. */
  caCertPem: string;
  subscriptionId: string;
  tenantId: string;
  /** Every answered or dropped request, appended when it completes (`seq` gives arrival order). */
  requests: RecordedRequest[];
  state: ArmState;
  faults: FaultInjector;
  /** Requests that changed or tried to change state (PUT/PATCH/DELETE/POST). */
  writes(filter?: RequestFilter): RecordedRequest[];
  /** GET/HEAD requests. */
  reads(filter?: RequestFilter): RecordedRequest[];
  /** Forget recorded requests (state and faults stay). */
  resetRequests(): void;
  close(): Promise<void>;
}

export interface RequestFilter {
  method?: string;
  path?: RegExp;
  status?: number;
}
