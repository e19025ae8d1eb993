/**
 * The plan as a flat list of resources per cluster — what `plan` prints, what `plan --json`
 * writes and what a saved plan (`plan --out`) is compared by. Pure.
 */
import type { IdentityPlan } from "@flotilla/workload-identity";
import { ficAddress, identityAddress, roleAssignmentAddress, roleDefinitionAddress } from "./addresses.js";
import type { Action, AttributeChange, ClusterChanges, ResourceKind } from "./diff.js";

export interface ResourceView {
  kind: ResourceKind;
  address: string;
  /** `error`: it could not be read; nothing is done with it. */
  action: Action | "error";
  attributes: AttributeChange[];
  /** Why a deleted resource is flotilla's. */
  reason?: string | undefined;
  /** Certain to fail: nothing is sent for it. */
  blocked?: string | undefined;
  note?: string | undefined;
  readError?: string | undefined;
}

export interface ClusterView {
  cluster: string;
  subscriptionId: string;
  tenantId: string;
  resources: ResourceView[];
  /** flotilla-created credentials and assignments no longer planned, kept because --prune is off. */
  prunable: number;
}

export interface PlanSummary {
  create: number;
  update: number;
  adopt: number;
  unchanged: number;
  delete: number;
  /** Certain to fail (blocked) or not readable. */
  problems: number;
  prunable: number;
}

const view = (
  kind: ResourceKind,
  address: string,
  change: { action: Action; attributes: AttributeChange[]; reason?: string | undefined; blocked?: string | undefined; note?: string | undefined },
): ResourceView => ({
  kind,
  address,
  action: change.action,
  attributes: change.attributes,
  ...(change.reason !== undefined ? { reason: change.reason } : {}),
  ...(change.blocked !== undefined ? { blocked: change.blocked } : {}),
  ...(change.note !== undefined ? { note: change.note } : {}),
});

const unreadable = (kind: ResourceKind, address: string, readError: string): ResourceView => ({ kind, address, action: "error", attributes: [], readError });

export function clusterView(changes: ClusterChanges): ClusterView {
  const resources: ResourceView[] = [];
  let prunable = 0;
  for (const d of changes.roleDefinitions) {
    resources.push(d.readError !== undefined ? unreadable(d.kind, roleDefinitionAddress(d), d.readError) : view(d.kind, roleDefinitionAddress(d), d));
  }
  for (const i of changes.identities) {
    const identity = i.identity.planned;
    if (i.readError !== undefined) {
      resources.push(unreadable(i.identity.kind, identityAddress(i.identity), i.readError));
      continue;
    }
    resources.push(view(i.identity.kind, identityAddress(i.identity), i.identity));
    for (const f of i.fics) resources.push(view(f.kind, ficAddress(identity, f), f));
    for (const a of i.roleAssignments) resources.push(view(a.kind, roleAssignmentAddress(identity, a), a));
    prunable += i.prunable;
  }
  const p = changes.plan;
  return { cluster: p.cluster, subscriptionId: p.subscriptionId, tenantId: p.tenantId, resources, prunable };
}

export function summarize(clusters: readonly ClusterView[]): PlanSummary {
  const summary: PlanSummary = { create: 0, update: 0, adopt: 0, unchanged: 0, delete: 0, problems: 0, prunable: 0 };
  for (const cluster of clusters) {
    summary.prunable += cluster.prunable;
    for (const r of cluster.resources) {
      if (r.action === "error") summary.problems++;
      else {
        summary[r.action]++;
        if (r.blocked !== undefined) summary.problems++;
      }
    }
  }
  return summary;
}

export const hasChanges = (summary: PlanSummary) => summary.create + summary.update + summary.adopt + summary.delete > 0;

/** The JSON document of `plan --json` (and the body of a saved plan). */
export interface PlanDocument {
  format: typeof PLAN_FORMAT;
  /** false for `plan --offline`: the desired state, Azure not read. */
  online: boolean;
  prune: boolean;
  clusters: ClusterView[];
  summary: PlanSummary;
}

export const PLAN_FORMAT = "flotilla.bootstrap.plan/v1";

export function planDocument(changes: readonly ClusterChanges[], prune: boolean): PlanDocument {
  const clusters = changes.map(clusterView);
  return { format: PLAN_FORMAT, online: true, prune, clusters, summary: summarize(clusters) };
}

/** `plan --offline --json`: every planned resource with its attributes, no action (Azure was not read). */
export function desiredStateDocument(plan: IdentityPlan) {
  return {
    format: PLAN_FORMAT,
    online: false,
    clusters: plan.clusters.map((cluster) => ({
      cluster: cluster.cluster,
      subscriptionId: cluster.subscriptionId,
      tenantId: cluster.tenantId,
      oidcIssuerUrl: cluster.oidcIssuerUrl,
      roleDefinitions: cluster.roleDefinitions,
      identities: cluster.identities,
    })),
  };
}
