/**
 * Everything bootstrap prints: the plan (one line per resource, like `terraform plan`), the
 * desired state (`plan --offline`), apply's progress lines and its summary. Pure string building.
 */
import type { IdentityPlan } from "@flotilla/workload-identity";
import { ficAddress, identityAddress, roleAssignmentAddress, roleDefinitionAddress } from "./addresses.js";
import type { ResourceResult } from "./apply.js";
import type { RequestCounts } from "./arm-session.js";
import type { Action, ClusterChanges, ResourceKind } from "./diff.js";

const SYMBOL: Record<Action, string> = { create: "+", update: "~", unchanged: "=", delete: "-" };
const KIND_WIDTH = "federated credential".length;

const line = (symbol: string, label: string, kind: ResourceKind, address: string, extra?: string) =>
  `  ${symbol} ${label.padEnd(9)} ${kind.padEnd(KIND_WIDTH)}  ${address}${extra ? `  [${extra}]` : ""}`;

export interface PlanTotals {
  create: number;
  update: number;
  unchanged: number;
  delete: number;
  /** Certain to fail (blocked) or not readable. */
  problems: number;
  /** flotilla's own resources no longer planned, kept because --prune is off. */
  prunable: number;
}

export function clusterHeading(changes: ClusterChanges): string {
  const p = changes.plan;
  return `Cluster ${p.cluster} (subscription ${p.subscriptionId}, tenant ${p.tenantId})`;
}

/** The plan lines of one cluster; adds to `totals`. */
export function formatClusterPlan(changes: ClusterChanges, totals: PlanTotals): string[] {
  const lines = [clusterHeading(changes)];
  const add = (action: Action, kind: ResourceKind, address: string, details: string[], blocked?: string, note?: string) => {
    totals[action]++;
    if (blocked !== undefined) totals.problems++;
    const extra = [...details, ...(note ? [note] : []), ...(blocked !== undefined ? [`will fail: ${blocked}`] : [])].join("; ");
    lines.push(line(SYMBOL[action], action, kind, address, extra || undefined));
  };
  const error = (kind: ResourceKind, address: string, message: string) => {
    totals.problems++;
    lines.push(line("!", "error", kind, address, `could not read it: ${message}`));
  };
  for (const d of changes.roleDefinitions) {
    if (d.readError !== undefined) error(d.kind, roleDefinitionAddress(d), d.readError);
    else add(d.action, d.kind, roleDefinitionAddress(d), d.details, d.blocked);
  }
  for (const i of changes.identities) {
    const identity = i.identity.planned;
    if (i.readError !== undefined) {
      error(i.identity.kind, identityAddress(i.identity), i.readError);
      continue;
    }
    add(i.identity.action, i.identity.kind, identityAddress(i.identity), i.identity.details, i.identity.blocked, i.identity.note);
    for (const f of i.fics) add(f.action, f.kind, ficAddress(identity, f), f.details, f.blocked);
    for (const a of i.roleAssignments) add(a.action, a.kind, roleAssignmentAddress(identity, a), a.details, a.blocked, a.note);
    totals.prunable += i.prunable;
  }
  if (changes.roleDefinitions.length === 0 && changes.identities.length === 0) lines.push("  (no identities planned)");
  return lines;
}

export function formatPlanSummary(totals: PlanTotals, prune: boolean): string[] {
  const lines = [
    `Plan: ${totals.create} to create, ${totals.update} to update, ${totals.unchanged} unchanged, ${totals.delete} to delete.`,
  ];
  if (totals.problems > 0) lines.push(`${totals.problems} resource(s) cannot be applied as they are (marked "!" or "will fail" above).`);
  if (!prune && totals.prunable > 0) {
    lines.push(`${totals.prunable} federated credential(s)/role assignment(s) flotilla created are no longer planned; \`apply --prune\` deletes them.`);
  }
  return lines;
}

/** `plan --offline`: the desired state, from the fleet alone. */
export function formatDesiredState(plan: IdentityPlan): string[] {
  const lines: string[] = [];
  let identities = 0;
  let fics = 0;
  let assignments = 0;
  let definitions = 0;
  for (const cluster of plan.clusters) {
    lines.push(`Cluster ${cluster.cluster} (subscription ${cluster.subscriptionId}, tenant ${cluster.tenantId}) — desired state, Azure not read`);
    for (const d of cluster.roleDefinitions) {
      definitions++;
      lines.push(`  role definition       ${d.roleName} (${d.name}) at ${d.scope}`);
    }
    for (const identity of cluster.identities) {
      identities++;
      lines.push(`  identity              ${identity.name} (key ${identity.key}, resource group ${identity.resourceGroup}, ${identity.location})`);
      for (const f of identity.federatedCredentials) {
        fics++;
        lines.push(`    federated credential  ${f.name}: issuer ${f.issuer}, subject ${f.subject}, audience ${f.audiences.join(",")}`);
      }
      for (const a of identity.roleAssignments) {
        assignments++;
        lines.push(`    role assignment       ${a.roleName} on ${a.scope} (${a.name})`);
      }
    }
    if (cluster.identities.length === 0 && cluster.roleDefinitions.length === 0) lines.push("  (no identities planned)");
  }
  lines.push(
    `Desired: ${definitions} role definition(s), ${identities} identit${identities === 1 ? "y" : "ies"}, ${fics} federated credential(s), ${assignments} role assignment(s) in ${plan.clusters.length} cluster(s).`,
  );
  return lines;
}

const OUTCOME_SYMBOL: Record<ResourceResult["outcome"], string> = {
  created: "+",
  updated: "~",
  unchanged: "=",
  exists: "=",
  deleted: "-",
  failed: "!",
  skipped: "!",
};

/** One progress line of apply. */
export function formatResult(result: ResourceResult): string {
  const label = result.outcome === "failed" ? "FAILED" : result.outcome;
  return line(OUTCOME_SYMBOL[result.outcome], label, result.kind, `${result.cluster}: ${result.address}`, result.message);
}

export interface ApplyTotals {
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  failed: number;
}

export function applyTotals(results: readonly ResourceResult[]): ApplyTotals {
  const totals: ApplyTotals = { created: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0 };
  for (const r of results) {
    if (r.outcome === "exists") totals.unchanged++;
    else if (r.outcome === "skipped") totals.failed++;
    else totals[r.outcome]++;
  }
  return totals;
}

export function formatApplySummary(totals: ApplyTotals, counts: RequestCounts, wallMs: number, interrupted: boolean): string {
  const head = interrupted ? "Apply interrupted" : totals.failed > 0 ? "Apply finished with failures" : "Apply complete";
  return (
    `${head}: ${totals.created} created, ${totals.updated} updated, ${totals.unchanged} unchanged, ${totals.deleted} deleted, ${totals.failed} failed; ` +
    `${counts.reads + counts.writes} ARM requests (${counts.reads} reads, ${counts.writes} writes); ${(wallMs / 1000).toFixed(1)} s.`
  );
}
