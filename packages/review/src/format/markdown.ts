import type { RootContent } from "mdast";
import type { ClusterDiff, DiffReport, GroupDiff, ObjectDiff } from "../diff/types.js";
import { mermaidGraph } from "./mermaid.js";
import { code, codeBlock, escapeHtml, heading, html, list, paragraph, serialize, strong, table, text } from "./markdown-nodes.js";
import { describeCounts, fieldLines, objectTitle } from "./values.js";

/** GitHub's limit for an issue or pull-request comment body. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** Size budget in characters (UTF-16 code units, never fewer than characters); default 60,000, at most 65,536. */
  maxChars?: number;
  /** The command that shows the whole diff, named in the truncation notice (as the CLI spells it); default `diff --format text`. */
  fullDiffCommand?: string;
}

/** Room kept for the notice of what was left out. */
const NOTICE_RESERVE = 2_500;
const MAX_TABLE_ROWS = 100;
const MAX_GRAPH_CHARS = 20_000;
const MAX_NAMES = 15;

type Detail = "full" | "objects";

/**
 * The diff as a pull-request comment: summary, Mermaid blast-radius graph, a table of affected
 * clusters, then one collapsible section per cluster. It is built against a size budget: a
 * cluster's section is included in full, or without its field changes, or left out, and a final
 * notice says what was left out and how to see everything.
 */
export function formatMarkdown(report: DiffReport, options: MarkdownOptions = {}): string {
  const budget = Math.min(options.maxChars ?? 60_000, GITHUB_COMMENT_LIMIT);
  const sections: string[] = [serialize(summarySection(report))];
  const omitted = { fields: [] as string[], clusters: [] as string[], graphClusters: 0, notes: 0 };
  let used = sections[0]!.length;
  const room = () => budget - NOTICE_RESERVE - used;
  const push = (section: string) => {
    sections.push(section);
    used += section.length + 1;
  };

  if (report.clusters.length > 0) {
    const graph = graphSection(report.clusters, Math.min(MAX_GRAPH_CHARS, room()));
    if (graph.section) push(graph.section);
    omitted.graphClusters = report.clusters.length - graph.shown;
    push(serialize(clusterTable(report.clusters)));
  }
  for (const cluster of report.clusters) {
    const full = serialize(clusterSection(cluster, "full"));
    if (full.length < room()) {
      push(full);
      continue;
    }
    const objects = serialize(clusterSection(cluster, "objects"));
    if (objects.length < room()) {
      push(objects);
      omitted.fields.push(cluster.name);
    } else omitted.clusters.push(cluster.name);
  }
  if (report.notes.length > 0) {
    const notes = serialize([heading(3, text("Files left out of the diff")), list(report.notes.slice(0, 20).map((note) => [paragraph(text(note))]))]);
    if (notes.length < room()) push(notes);
    omitted.notes = report.notes.length > 20 || notes.length >= room() ? report.notes.length : 0;
  }
  const notice = truncationNotice(report, omitted, options.fullDiffCommand ?? "diff --format text");
  if (notice) sections.push(notice);
  const markdown = sections.join("\n");
  return markdown.length <= GITHUB_COMMENT_LIMIT ? markdown : `${markdown.slice(0, GITHUB_COMMENT_LIMIT - 40)}\n\n… (cut at the comment size limit)\n`;
}

function summarySection(report: DiffReport) {
  const { summary } = report;
  const side = (label: string, commit?: string) => (commit ? [code(label), text(" ("), code(commit.slice(0, 12)), text(")")] : [code(label)]);
  const nodes: RootContent[] = [heading(2, text("flotilla diff")), paragraph(...side(report.base.label, report.base.commit), text(" → "), ...side(report.head.label, report.head.commit))];
  nodes.push(...pendingNodes(report));
  if (report.clusters.length === 0) {
    nodes.push(paragraph(strong(text("No changes to any object")), text(` in ${summary.clusters.total} cluster(s).`)));
    return nodes;
  }
  const clusterParts = (["changed", "added", "removed"] as const).filter((k) => summary.clusters[k] > 0).map((k) => `${summary.clusters[k]} ${k}`);
  nodes.push(
    paragraph(
      strong(text(`${summary.clusters.affected} of ${summary.clusters.total} cluster(s) affected`)),
      text(` (${clusterParts.join(", ")}). Objects: ${describeCounts(summary.objects)}.`),
    ),
  );
  if (report.unaffected.length > 0) {
    const names = report.unaffected.slice(0, MAX_NAMES).join(", ");
    const more = report.unaffected.length > MAX_NAMES ? ` and ${report.unaffected.length - MAX_NAMES} more` : "";
    nodes.push(paragraph(text(`Unaffected: ${names}${more}.`)));
  }
  return nodes;
}

/** The identities the head waits for, first: the one thing that must happen before merging. */
function pendingNodes(report: DiffReport): RootContent[] {
  if (report.pending.length === 0) return [];
  const items = report.pending.slice(0, MAX_TABLE_ROWS).map((mark) => [
    paragraph(text("cluster "), code(mark.cluster), text(": identity "), strong(code(mark.identity)), text(` (${mark.objects.join(", ")})`)),
  ]);
  const more = report.pending.length > MAX_TABLE_ROWS ? [paragraph(text(`… and ${report.pending.length - MAX_TABLE_ROWS} more.`))] : [];
  return [
    heading(3, text(`⚠️ ${report.pending.length} pending identit${report.pending.length === 1 ? "y" : "ies"}: not ready to merge`)),
    paragraph(
      text("These identities are not created in Azure yet, so their ServiceAccounts are rendered without a client ID ("),
      code("flotilla.dev/pending-identity"),
      text("). The checks fail until bootstrap apply has created them and synth has rendered their client IDs into this pull request."),
    ),
    list(items),
    ...more,
  ];
}

function graphSection(clusters: readonly ClusterDiff[], maxChars: number): { section?: string; shown: number } {
  const legend = paragraph(
    text("Flux Kustomizations whose objects changed, with what depends on them (arrows point to the dependent: "),
    code("B dependsOn A"),
    text(" is drawn A → B). Yellow changed, green added, red removed, blue downstream, grey upstream."),
  );
  for (let shown = clusters.length; shown > 0; shown = shown > 10 ? Math.floor(shown / 2) : shown - 1) {
    const section = serialize([heading(3, text("Blast radius")), codeBlock("mermaid", mermaidGraph(clusters.slice(0, shown))), legend]);
    if (section.length <= maxChars) return { section, shown };
  }
  return { shown: 0 };
}

function clusterTable(clusters: readonly ClusterDiff[]) {
  const rows = clusters.slice(0, MAX_TABLE_ROWS).map((cluster) => [
    code(cluster.name),
    text(cluster.change),
    text(String(cluster.counts.added)),
    text(String(cluster.counts.removed)),
    text(String(cluster.counts.changed)),
    text(cluster.groups.map((group) => group.label).join(", ")),
  ]);
  const nodes: RootContent[] = [table(["cluster", "cluster change", "added", "removed", "changed", "Flux Kustomizations"], rows)];
  if (clusters.length > MAX_TABLE_ROWS) nodes.push(paragraph(text(`… and ${clusters.length - MAX_TABLE_ROWS} more affected clusters (see below).`)));
  return nodes;
}

function clusterSection(cluster: ClusterDiff, detail: Detail) {
  const summary = `<details><summary><strong>${escapeHtml(cluster.name)}</strong> (${cluster.change}): ${escapeHtml(describeCounts(cluster.counts))}</summary>`;
  const nodes: RootContent[] = [html(summary)];
  for (const group of cluster.groups) nodes.push(...groupNodes(group, detail));
  if (detail === "objects") nodes.push(paragraph(text("Field changes left out to stay within the comment size limit.")));
  nodes.push(html("</details>"));
  return nodes;
}

function groupNodes(group: GroupDiff, detail: Detail) {
  const title = group.root ? [strong(text(group.label))] : [text("Flux Kustomization "), strong(code(group.label)), text(` (${group.dir}/)`)];
  return [heading(4, ...title, text(`: ${describeCounts(group.counts)}`)), list(group.objects.map((object) => objectNodes(object, detail)))];
}

function objectNodes(object: ObjectDiff, detail: Detail) {
  const line = paragraph(strong(text(object.change)), text(" "), code(objectTitle(object)), text(object.encrypted ? " (SOPS-encrypted)" : ""));
  const rendered = object.rendered ?? [];
  const notes = object.renderNotes ?? [];
  if (detail !== "full" || (object.fields.length === 0 && rendered.length === 0 && notes.length === 0)) return [line];
  const nodes = object.fields.length > 0 ? [line, codeBlock("diff", object.fields.flatMap(fieldLines).join("\n"))] : [line];
  if (rendered.length > 0 || notes.length > 0) {
    const lines = [
      ...notes.map((note) => `! not rendered: ${note}`),
      ...rendered.flatMap((entry) => [`${entry.change === "added" ? "+" : entry.change === "removed" ? "-" : "~"} ${objectTitle(entry)} (${entry.change})`, ...entry.fields.flatMap(fieldLines).map((text) => `  ${text}`)]),
    ];
    nodes.push(paragraph(text("Rendered objects (as helm-controller would install them):")), codeBlock("diff", lines.join("\n")));
  }
  return nodes;
}

function truncationNotice(report: DiffReport, omitted: { fields: string[]; clusters: string[]; graphClusters: number; notes: number }, command: string): string | undefined {
  const parts: string[] = [];
  const names = (list: string[]) => `${list.slice(0, MAX_NAMES).join(", ")}${list.length > MAX_NAMES ? ` and ${list.length - MAX_NAMES} more` : ""}`;
  if (omitted.graphClusters > 0) parts.push(`the graph shows ${report.clusters.length - omitted.graphClusters} of ${report.clusters.length} affected clusters`);
  if (omitted.fields.length > 0) {
    const objects = report.clusters.filter((c) => omitted.fields.includes(c.name)).reduce((sum, c) => sum + c.counts.changed, 0);
    parts.push(`field changes of ${objects} changed object(s) in ${omitted.fields.length} cluster(s) (${names(omitted.fields)})`);
  }
  if (omitted.clusters.length > 0) {
    const objects = report.clusters.filter((c) => omitted.clusters.includes(c.name)).reduce((sum, c) => sum + c.counts.added + c.counts.removed + c.counts.changed, 0);
    parts.push(`the details of ${omitted.clusters.length} cluster(s) with ${objects} object change(s) (${names(omitted.clusters)})`);
  }
  if (omitted.notes > 0) parts.push(`${omitted.notes} note(s) about unreadable files`);
  if (parts.length === 0) return undefined;
  return serialize([
    paragraph(strong(text("Shortened to fit a pull-request comment")), text(`: left out ${parts.join("; ")}. To see everything, run `), code(command), text(" (or add --format json).")),
  ]);
}
