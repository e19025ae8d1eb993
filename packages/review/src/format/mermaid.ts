import type { ClusterDiff } from "../diff/types.js";

/** Mermaid label text: quotes and angle brackets as entities, so names cannot break the syntax. */
function label(text: string): string {
  return text.replaceAll("&", "#amp;").replaceAll('"', "#quot;").replaceAll("<", "#lt;").replaceAll(">", "#gt;");
}

function countsLabel(counts: { added: number; removed: number; changed: number }): string {
  const parts = [counts.added ? `+${counts.added}` : "", counts.removed ? `−${counts.removed}` : "", counts.changed ? `~${counts.changed}` : ""].filter(Boolean);
  return parts.join(" ");
}

const CLASSES = [
  "classDef added fill:#dafbe1,stroke:#1a7f37,color:#1f2328",
  "classDef removed fill:#ffebe9,stroke:#cf222e,color:#1f2328,stroke-dasharray:4 2",
  "classDef changed fill:#fff8c5,stroke:#9a6700,color:#1f2328",
  "classDef downstream fill:#ddf4ff,stroke:#0969da,color:#1f2328",
  "classDef upstream fill:#f6f8fa,stroke:#8c959f,color:#57606a",
];

/**
 * A Mermaid flowchart of the affected Flux Kustomizations, one subgraph per cluster: an arrow
 * A --> B means B dependsOn A. Node IDs are positional (c0k1), never derived from names.
 */
export function mermaidGraph(clusters: readonly ClusterDiff[]): string {
  const lines = ["flowchart LR"];
  clusters.forEach((cluster, c) => {
    const ids = new Map(cluster.graph.nodes.map((node, k) => [node.id, `c${c}k${k}`]));
    lines.push(`  subgraph c${c}["${label(`${cluster.name} (${cluster.change})`)}"]`);
    for (const node of cluster.graph.nodes) {
      const counts = countsLabel(node.counts);
      lines.push(`    ${ids.get(node.id)!}["${label(node.label)}${counts ? `<br/>${label(counts)}` : ""}"]:::${node.status}`);
    }
    for (const edge of cluster.graph.edges) lines.push(`    ${ids.get(edge.from)!} --> ${ids.get(edge.to)!}`);
    lines.push("  end");
  });
  lines.push(...CLASSES.map((line) => `  ${line}`));
  return lines.join("\n");
}
