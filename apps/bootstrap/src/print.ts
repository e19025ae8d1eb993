/**
 * Everything bootstrap prints: the plan (one line per resource, like `terraform plan`), the
 * desired state (`plan --offline`), apply's progress lines and its summary. Pure string building.
 */
import type { IdentityPlan } from "@flotilla/workload-identity";
import type { ResourceResult } from "./apply.js";
import type { RequestCounts } from "./arm-session.js";
import type { AttributeChange, AttributeValue, ResourceKind } from "./diff.js";
import type { ClusterView, PlanSummary, ResourceView } from "./plan-view.js";

const SYMBOL: Record<ResourceView["action"], string> = { create: "+", update: "~", adopt: "~", unchanged: "=", delete: "-", error: "!" };
const KIND_WIDTH = "federated credential".length;

const line = (symbol: string, label: string, kind: ResourceKind, address: string, extra?: string) =>
  `  ${symbol} ${label.padEnd(9)} ${kind.padEnd(KIND_WIDTH)}  ${address}${extra ? `  [${extra}]` : ""}`;

const show = (value: AttributeValue) => (typeof value === "string" ? JSON.stringify(value) : `[${value.map((v) => JSON.stringify(v)).join(", ")}]`);

/** One line per attribute, like terraform: `+ name = value`, `~ name = old → new`, `- name = old`. */
export function formatAttribute(attribute: AttributeChange): string {
  const name = attribute.name.startsWith("tags.") ? `tags[${JSON.stringify(attribute.name.slice(5))}]` : attribute.name;
  if (attribute.before === undefined) return `      + ${name} = ${show(attribute.after ?? "")}`;
  if (attribute.after === undefined) return `      - ${name} = ${show(attribute.before)}`;
  return `      ~ ${name} = ${show(attribute.before)} → ${show(attribute.after)}`;
}

export function clusterHeading(cluster: { cluster: string; subscriptionId: string; tenantId: string }): string {
  return `Cluster ${cluster.cluster} (subscription ${cluster.subscriptionId}, tenant ${cluster.tenantId})`;
}

/** The plan lines of one cluster: one line per resource, then the attributes it sets, changes or removes. */
export function formatClusterPlan(cluster: ClusterView): string[] {
  const lines = [clusterHeading(cluster)];
  for (const r of cluster.resources) {
    if (r.action === "error") {
      lines.push(line("!", "error", r.kind, r.address, `could not read it: ${r.readError}`));
      continue;
    }
    const extra = [...(r.note ? [r.note] : []), ...(r.reason ? [r.reason] : []), ...(r.blocked !== undefined ? [`will fail: ${r.blocked}`] : [])].join("; ");
    lines.push(line(SYMBOL[r.action], r.action, r.kind, r.address, extra || undefined));
    if (r.action !== "unchanged") lines.push(...r.attributes.map(formatAttribute));
  }
  if (cluster.resources.length === 0) lines.push("  (no identities planned)");
  return lines;
}

export function formatPlanSummary(summary: PlanSummary, prune: boolean): string[] {
  const adopt = summary.adopt > 0 ? `${summary.adopt} to adopt, ` : "";
  const lines = [`Plan: ${summary.create} to create, ${summary.update} to update, ${adopt}${summary.unchanged} unchanged, ${summary.delete} to delete.`];
  if (summary.problems > 0) lines.push(`${summary.problems} resource(s) cannot be applied as they are (marked "!" or "will fail" above).`);
  if (!prune && summary.prunable > 0) {
    lines.push(`${summary.prunable} federated credential(s)/role assignment(s) flotilla created are no longer planned; \`plan --prune\` lists them, \`apply --prune\` deletes them.`);
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
    "This is the desired state from the fleet alone (--offline): Azure was not read, so it says nothing about what exists or what apply would change.",
    `Desired: ${definitions} role definition(s), ${identities} identit${identities === 1 ? "y" : "ies"}, ${fics} federated credential(s), ${assignments} role assignment(s) in ${plan.clusters.length} cluster(s).`,
  );
  return lines;
}

const OUTCOME_SYMBOL: Record<ResourceResult["outcome"], string> = {
  created: "+",
  updated: "~",
  adopted: "~",
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
  adopted: number;
  unchanged: number;
  deleted: number;
  failed: number;
}

export function applyTotals(results: readonly ResourceResult[]): ApplyTotals {
  const totals: ApplyTotals = { created: 0, updated: 0, adopted: 0, unchanged: 0, deleted: 0, failed: 0 };
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
    `${head}: ${totals.created} created, ${totals.updated} updated, ${totals.adopted > 0 ? `${totals.adopted} adopted, ` : ""}${totals.unchanged} unchanged, ${totals.deleted} deleted, ${totals.failed} failed; ` +
    `${counts.reads + counts.writes} ARM requests (${counts.reads} reads, ${counts.writes} writes); ${(wallMs / 1000).toFixed(1)} s.`
  );
}
