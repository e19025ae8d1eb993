import pc from "picocolors";
import type { ChangeKind, DiffReport } from "../diff/types.js";
import { describeCounts, fieldLines, objectTitle } from "./values.js";

export interface TextOptions {
  /** ANSI colours (the CLI turns them on for a terminal, unless NO_COLOR is set). */
  color: boolean;
}

/** The diff for a terminal: cluster → Flux Kustomization → object, field changes indented below. */
export function formatText(report: DiffReport, options: TextOptions): string {
  const c = pc.createColors(options.color);
  const paint = (kind: ChangeKind | "!", value: string) =>
    kind === "added" ? c.green(value) : kind === "removed" ? c.red(value) : kind === "changed" ? c.yellow(value) : c.magenta(value);
  const side = (label: string, commit?: string) => (commit ? `${label} (${commit.slice(0, 12)})` : label);
  const lines = [c.bold(`flotilla diff: ${side(report.base.label, report.base.commit)} → ${side(report.head.label, report.head.commit)}`)];
  const { summary } = report;
  if (report.clusters.length === 0) {
    lines.push(`No changes to any object in ${summary.clusters.total} cluster(s).`);
  } else {
    const clusters = (["changed", "added", "removed"] as const).filter((k) => summary.clusters[k] > 0).map((k) => `${summary.clusters[k]} ${k}`);
    lines.push(`${summary.clusters.affected} of ${summary.clusters.total} cluster(s) affected (${clusters.join(", ")}); objects: ${describeCounts(summary.objects)}.`);
  }
  if (report.unaffected.length > 0) lines.push(c.dim(`Unaffected: ${report.unaffected.join(", ")}`));
  if (report.pending.length > 0) {
    lines.push("", c.bold(paint("!", `${report.pending.length} pending identit${report.pending.length === 1 ? "y" : "ies"}: not created in Azure yet, so these objects carry no client ID; not ready to merge until bootstrap apply has run and synth rendered the client IDs:`)));
    for (const mark of report.pending) lines.push(paint("!", `  ! cluster ${mark.cluster}: identity ${mark.identity}: ${mark.objects.join(", ")}`));
  }
  for (const cluster of report.clusters) {
    lines.push("", `${c.bold(paint(cluster.change, `cluster ${cluster.name}`))} (${cluster.change}): ${describeCounts(cluster.counts)}`);
    for (const group of cluster.groups) {
      lines.push(`  ${c.bold(group.root ? group.label : `Kustomization ${group.label}`)} ${c.dim(group.root ? "(cluster root)" : `(${group.dir}/)`)}: ${describeCounts(group.counts)}`);
      for (const object of group.objects) {
        const marker = object.change === "added" ? "+" : object.change === "removed" ? "-" : "~";
        lines.push(`    ${paint(object.change, `${marker} ${objectTitle(object)}`)}${object.encrypted ? c.dim(" (SOPS-encrypted)") : ""}`);
        for (const field of object.fields) {
          for (const line of fieldLines(field)) {
            const kind = line.startsWith("+") ? "added" : line.startsWith("-") ? "removed" : "!";
            lines.push(`        ${paint(kind, line)}`);
          }
        }
        for (const note of object.renderNotes ?? []) lines.push(`        ${paint("!", `! not rendered: ${note}`)}`);
        if (object.rendered && object.rendered.length > 0) lines.push(`        ${c.dim("rendered objects (as helm-controller would install them):")}`);
        for (const rendered of object.rendered ?? []) {
          const marker = rendered.change === "added" ? "+" : rendered.change === "removed" ? "-" : "~";
          lines.push(`        ${paint(rendered.change, `${marker} ${objectTitle(rendered)}`)}`);
          for (const field of rendered.fields) {
            for (const line of fieldLines(field)) lines.push(`            ${paint(line.startsWith("+") ? "added" : line.startsWith("-") ? "removed" : "!", line)}`);
          }
        }
      }
    }
    const downstream = cluster.graph.nodes.filter((node) => node.status === "downstream").map((node) => node.label);
    if (downstream.length > 0) lines.push(c.dim(`  downstream (depends on a changed Kustomization): ${downstream.join(", ")}`));
  }
  if (report.notes.length > 0) lines.push("", c.bold("Files left out of the diff:"), ...report.notes.map((note) => `  ${note}`));
  return `${lines.join("\n")}\n`;
}
