/**
 * The identity plan: every Azure object flotilla manages for workload identity, derived purely
 * from the fleet. The bootstrap app applies it; synth renders the ServiceAccounts from it.
 */
export interface IdentityPlan {
  /** Sorted by cluster name. */
  clusters: ClusterIdentityPlan[];
}

export interface ClusterIdentityPlan {
  /** The cluster's name. */
  cluster: string;
  /** The cluster's Entra tenant ID, as written in its spec. */
  tenantId: string;
  /** The cluster's subscription, as written in its spec: identities, scopes and role definitions live in it. */
  subscriptionId: string;
  /** The cluster's AKS OIDC issuer URL, exactly as written (the issuer of its ServiceAccount credentials). */
  oidcIssuerUrl: string;
  /** Custom least-privilege role definitions the cluster's role assignments refer to, sorted by roleName. */
  roleDefinitions: PlannedRoleDefinition[];
  /** Sorted by key. */
  identities: PlannedIdentity[];
}

/** A user-assigned managed identity. */
export interface PlannedIdentity {
  /** The identity's key in the fleet spec and in the identity outputs file, e.g. "analytics". */
  key: string;
  /** Azure resource name, `id-<cluster>-<key>`, e.g. "id-dev-analytics". */
  name: string;
  /** Resource group of the identity (the spec's, defaulting to the cluster's). */
  resourceGroup: string;
  /** The cluster's Azure region. */
  location: string;
  /**
   * Marks the identity as flotilla's: `managed-by: flotilla`, `flotilla-cluster: <cluster>`,
   * `flotilla-identity: <key>` (see `TAGS`); used by prune and by people in the portal.
   */
  tags: Record<string, string>;
  /** Full ARM resource ID. */
  resourceId: string;
  /** At most 20 (Azure's limit per identity), sorted by name. Writes to one identity must be serial. */
  federatedCredentials: PlannedFederatedCredential[];
  /** Sorted by scope, then role name. */
  roleAssignments: PlannedRoleAssignment[];
}

export interface PlannedFederatedCredential {
  /**
   * Deterministic, valid FIC name (3–120 chars, ^[a-zA-Z0-9][a-zA-Z0-9-_]{2,119}$): `<namespace>-<serviceAccount>`
   * for a ServiceAccount, `ext-<name>` for an external federation (see `naming.ts`).
   */
  name: string;
  /** Exactly as the issuer reports it (for AKS: the cluster's OIDC issuer URL, byte for byte). */
  issuer: string;
  /** `system:serviceaccount:<namespace>:<name>` for cluster ServiceAccounts; verbatim for external ones. */
  subject: string;
  /** Exactly one audience; `api://AzureADTokenExchange` unless an external entry says otherwise. */
  audiences: [string];
  /** The ServiceAccount synth renders for this credential; absent for external federation entries. */
  serviceAccount?: { namespace: string; name: string };
  /**
   * A ServiceAccount a platform's chart creates (e.g. Flyte's flyteadmin, or the `default`
   * ServiceAccount of a Flyte task namespace), annotated with the client ID through the platform's
   * HelmRelease values: synth renders no ServiceAccount object for it (so `serviceAccount` is absent).
   */
  platformServiceAccount?: { platform: string; namespace: string; name: string };
}

export interface PlannedRoleAssignment {
  /**
   * Deterministic GUID: UUID v5 (namespace `FLOTILLA_GUID_NAMESPACE`) of
   * `lowercase(identityResourceId + "\n" + roleDefinitionId + "\n" + scope)`; the same identity,
   * role and scope always give the same name.
   */
  name: string;
  /** Narrowest ARM scope, e.g. a storage container's resource ID (subscription: the cluster's). */
  scope: string;
  /** Full role definition resource ID: `/subscriptions/<sub>/providers/Microsoft.Authorization/roleDefinitions/<guid>`. */
  roleDefinitionId: string;
  /** Human-readable role name, for plans and messages. */
  roleName: string;
  principalType: "ServicePrincipal";
  /**
   * Marks the assignment as flotilla's (`managed by flotilla: cluster <c>, identity <key>`); prune
   * only deletes assignments carrying it. The principal ID is not planned: it comes from the
   * identity once created.
   */
  description: string;
}

export interface PlannedRoleDefinition {
  /** Deterministic GUID: UUID v5 of `lowercase("roleDefinition\n" + scope + "\n" + roleName)`. */
  name: string;
  /** `flotilla-<cluster>-<name>` (role names are unique per tenant). */
  roleName: string;
  /** The spec's description followed by `(managed by flotilla: cluster <c>, role <name>)`. */
  description: string;
  /**
   * Where the definition is created (`PUT <scope>/providers/Microsoft.Authorization/roleDefinitions/<name>`)
   * and its only assignable scope (`assignableScopes: [scope]`): a resource group or the subscription.
   */
  scope: string;
  /** Control-plane operations, as written. */
  actions: string[];
  /** As written. */
  notActions: string[];
  /** Data-plane operations, as written. */
  dataActions: string[];
  /** As written. */
  notDataActions: string[];
  /**
   * Full role definition resource ID, as Azure returns it and as role assignments refer to it:
   * `/subscriptions/<sub>/providers/Microsoft.Authorization/roleDefinitions/<name>`.
   */
  id: string;
}

/**
 * What bootstrap writes after apply (one committed file per cluster,
 * `<identity outputs dir>/<cluster>.json`, see `serializeIdentityOutputs`) and synth reads
 * (see `parseIdentityOutputs`, `identityOutputsFor`).
 */
export interface IdentityOutputs {
  /** The cluster's name. */
  cluster: string;
  /** The tenant the identities live in (the cluster's). */
  tenantId: string;
  /** One entry per identity key: what Azure assigned when the identity was created. */
  identities: Record<string, IdentityOutput>;
}

/** What Azure assigned to one managed identity. */
export interface IdentityOutput {
  /** The identity's client (application) ID: the ServiceAccount's `azure.workload.identity/client-id`. */
  clientId: string;
  /** The identity's object (principal) ID: the principal of its role assignments. */
  principalId: string;
  /** The identity's ARM ID; must equal the plan's `PlannedIdentity.resourceId`. */
  resourceId: string;
}
