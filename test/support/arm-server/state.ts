/**
 * In-memory ARM state: subscriptions, resource groups, user-assigned identities with their
 * federated identity credentials, the directory of principals, role definitions and role
 * assignments. Lookups are case-insensitive, as ARM resource IDs are.
 * Tests may read it, and seed it through the `seed*` methods (which bypass validation,
 * locks and the replication delay unless asked).
 */
import { randomUUID } from "node:crypto";
import { BUILT_IN_ROLES } from "./builtin-roles.js";

export type PrincipalType = "User" | "Group" | "ServicePrincipal" | "ForeignGroup";
export const PRINCIPAL_TYPES: readonly PrincipalType[] = ["User", "Group", "ServicePrincipal", "ForeignGroup"];

export interface ResourceGroupRecord {
  subscriptionId: string;
  name: string;
  location: string;
}

export interface FicRecord {
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
}

export interface IdentityRecord {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  tenantId: string;
  principalId: string;
  clientId: string;
  isolationScope: string;
  /** Keyed by lower-cased FIC name, in creation order. */
  fics: Map<string, FicRecord>;
}

export interface PrincipalRecord {
  id: string;
  type: PrincipalType;
  /** Date.now() from which role assignments can see it (Entra replication). */
  visibleAt: number;
  source: "identity" | "seed";
}

export interface RolePermission {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

export interface RoleDefinitionRecord {
  /** GUID, the resource name. */
  name: string;
  roleName: string;
  description: string;
  roleType: "BuiltInRole" | "CustomRole";
  permissions: RolePermission[];
  assignableScopes: string[];
  /** Scope the definition was PUT at ("" for built-ins, which live at the tenant root). */
  scope: string;
  createdOn: string;
  updatedOn: string;
}

export interface RoleAssignmentRecord {
  /** GUID; unique in the tenant whatever the scope. */
  name: string;
  /** Normalised scope with a leading slash, e.g. /subscriptions/x/resourceGroups/y. */
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  principalType: PrincipalType;
  description: string | null;
  condition: string | null;
  conditionVersion: string | null;
  createdOn: string;
  updatedOn: string;
  createdBy: string;
  updatedBy: string;
}

const key = (...parts: string[]) => parts.map((p) => p.toLowerCase()).join("/");

export class ArmState {
  readonly subscriptions = new Set<string>();
  /** key: sub/rg */
  readonly resourceGroups = new Map<string, ResourceGroupRecord>();
  /** key: sub/rg/name */
  readonly identities = new Map<string, IdentityRecord>();
  /** key: principal id */
  readonly principals = new Map<string, PrincipalRecord>();
  /** key: role definition GUID */
  readonly roleDefinitions = new Map<string, RoleDefinitionRecord>();
  /** key: role assignment GUID (tenant-wide unique) */
  readonly roleAssignments = new Map<string, RoleAssignmentRecord>();
  /** identity key -> time until which its FIC write lock is held */
  readonly ficLocks = new Map<string, number>();

  constructor(
    readonly tenantId: string,
    readonly defaultSubscriptionId: string,
    /** Replication delay applied to principals of identities created through the API. */
    public principalReplicationDelayMs: number,
  ) {
    this.subscriptions.add(defaultSubscriptionId.toLowerCase());
    const epoch = new Date(0).toISOString();
    for (const role of BUILT_IN_ROLES) {
      this.roleDefinitions.set(role.id, {
        name: role.id,
        roleName: role.roleName,
        description: role.description,
        roleType: "BuiltInRole",
        permissions: role.permissions,
        assignableScopes: ["/"],
        scope: "",
        createdOn: epoch,
        updatedOn: epoch,
      });
    }
  }

  // ---- keys & lookups -------------------------------------------------------------------

  static identityKey(subscriptionId: string, resourceGroup: string, name: string): string {
    return key(subscriptionId, resourceGroup, name);
  }

  hasSubscription(subscriptionId: string): boolean {
    return this.subscriptions.has(subscriptionId.toLowerCase());
  }

  getResourceGroup(subscriptionId: string, name: string): ResourceGroupRecord | undefined {
    return this.resourceGroups.get(key(subscriptionId, name));
  }

  getIdentity(resourceGroup: string, name: string, subscriptionId = this.defaultSubscriptionId): IdentityRecord | undefined {
    return this.identities.get(ArmState.identityKey(subscriptionId, resourceGroup, name));
  }

  listIdentities(): IdentityRecord[] {
    return [...this.identities.values()];
  }

  getRoleAssignment(name: string): RoleAssignmentRecord | undefined {
    return this.roleAssignments.get(name.toLowerCase());
  }

  listRoleAssignments(): RoleAssignmentRecord[] {
    return [...this.roleAssignments.values()];
  }

  getRoleDefinition(guid: string): RoleDefinitionRecord | undefined {
    return this.roleDefinitions.get(guid.toLowerCase());
  }

  /** A principal role assignments can see now (exists and replicated). */
  visiblePrincipal(principalId: string, now = Date.now()): PrincipalRecord | undefined {
    const p = this.principals.get(principalId.toLowerCase());
    return p && now >= p.visibleAt ? p : undefined;
  }

  // ---- seeding ---------------------------------------------------------------------------

  seedSubscription(subscriptionId: string): void {
    this.subscriptions.add(subscriptionId.toLowerCase());
  }

  seedResourceGroup(name: string, opts: { subscriptionId?: string; location?: string } = {}): ResourceGroupRecord {
    const subscriptionId = opts.subscriptionId ?? this.defaultSubscriptionId;
    this.seedSubscription(subscriptionId);
    const rg = { subscriptionId, name, location: opts.location ?? "westeurope" };
    this.resourceGroups.set(key(subscriptionId, name), rg);
    return rg;
  }

  /** A principal in the directory (user, group, app SP...). Visible at once unless `visibleAfterMs`. */
  seedPrincipal(id: string, type: PrincipalType = "ServicePrincipal", opts: { visibleAfterMs?: number } = {}): PrincipalRecord {
    const p: PrincipalRecord = { id, type, visibleAt: Date.now() + (opts.visibleAfterMs ?? 0), source: "seed" };
    this.principals.set(id.toLowerCase(), p);
    return p;
  }

  /**
   * An identity as if created long ago: its principal is visible at once unless
   * `principalVisibleAfterMs` is given. The resource group is created if missing.
   */
  seedIdentity(
    resourceGroup: string,
    name: string,
    opts: { subscriptionId?: string; location?: string; tags?: Record<string, string>; principalVisibleAfterMs?: number } = {},
  ): IdentityRecord {
    const subscriptionId = opts.subscriptionId ?? this.defaultSubscriptionId;
    if (!this.getResourceGroup(subscriptionId, resourceGroup)) this.seedResourceGroup(resourceGroup, { subscriptionId });
    return this.createIdentity(subscriptionId, resourceGroup, name, opts.location ?? "westeurope", opts.tags ?? {}, "None", opts.principalVisibleAfterMs ?? 0);
  }

  /** Adds FICs straight into an identity (no lock, no validation). */
  seedFics(resourceGroup: string, identityName: string, fics: FicRecord[], subscriptionId = this.defaultSubscriptionId): void {
    const identity = this.getIdentity(resourceGroup, identityName, subscriptionId);
    if (!identity) throw new Error(`seedFics: no identity ${resourceGroup}/${identityName}`);
    for (const fic of fics) identity.fics.set(fic.name.toLowerCase(), { ...fic, audiences: [...fic.audiences] });
  }

  seedRoleDefinition(def: Omit<RoleDefinitionRecord, "createdOn" | "updatedOn" | "roleType"> & { roleType?: RoleDefinitionRecord["roleType"] }): RoleDefinitionRecord {
    const now = new Date().toISOString();
    const rec: RoleDefinitionRecord = { roleType: "CustomRole", ...def, name: def.name.toLowerCase(), createdOn: now, updatedOn: now };
    this.roleDefinitions.set(rec.name, rec);
    return rec;
  }

  seedRoleAssignment(a: Pick<RoleAssignmentRecord, "name" | "scope" | "roleDefinitionId" | "principalId"> & Partial<RoleAssignmentRecord>): RoleAssignmentRecord {
    const now = new Date().toISOString();
    const rec: RoleAssignmentRecord = {
      principalType: "ServicePrincipal",
      description: null,
      condition: null,
      conditionVersion: null,
      createdOn: now,
      updatedOn: now,
      createdBy: "seed",
      updatedBy: "seed",
      ...a,
      scope: normaliseScope(a.scope),
    };
    this.roleAssignments.set(rec.name.toLowerCase(), rec);
    return rec;
  }

  // ---- mutations used by handlers -----------------------------------------------------------

  createIdentity(
    subscriptionId: string,
    resourceGroup: string,
    name: string,
    location: string,
    tags: Record<string, string>,
    isolationScope: string,
    principalVisibleAfterMs = this.principalReplicationDelayMs,
  ): IdentityRecord {
    const identity: IdentityRecord = {
      subscriptionId,
      resourceGroup,
      name,
      location,
      tags,
      tenantId: this.tenantId,
      principalId: randomUUID(),
      clientId: randomUUID(),
      isolationScope,
      fics: new Map(),
    };
    this.identities.set(ArmState.identityKey(subscriptionId, resourceGroup, name), identity);
    this.principals.set(identity.principalId, {
      id: identity.principalId,
      type: "ServicePrincipal",
      visibleAt: Date.now() + principalVisibleAfterMs,
      source: "identity",
    });
    return identity;
  }

  deleteIdentity(identity: IdentityRecord): void {
    this.identities.delete(ArmState.identityKey(identity.subscriptionId, identity.resourceGroup, identity.name));
    this.principals.delete(identity.principalId);
    this.ficLocks.delete(ArmState.identityKey(identity.subscriptionId, identity.resourceGroup, identity.name));
  }
}

/** "/subscriptions/x/resourceGroups/y" form: one leading slash, no trailing slash, no doubles. */
export function normaliseScope(scope: string): string {
  const trimmed = scope.replace(/\/{2,}/g, "/").replace(/^\/|\/$/g, "");
  return `/${trimmed}`;
}
