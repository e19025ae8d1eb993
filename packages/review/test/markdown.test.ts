import { describe, expect, it } from "vitest";
import { diffTrees, formatMarkdown, GITHUB_COMMENT_LIMIT, mermaidGraph } from "@flotilla/review";
import { configMap, namespace, renderFixtureTree, type FixtureCluster } from "./support/fixture-tree.js";

/** `clusters` clusters with `maps` ConfigMaps each, every value of which changes between base and head. */
function bigChange(clusters: number, maps: number) {
  const make = (value: string): FixtureCluster[] =>
    Array.from({ length: clusters }, (_, c) => ({
      name: `cluster-${String(c).padStart(3, "0")}`,
      dirs: {
        infrastructure: [namespace("apps")],
        platforms: Array.from({ length: maps }, (_, m) => configMap("apps", `settings-${m}`, { setting: `${value}-${m}`, other: `${value}` })),
      },
      dependsOn: { platforms: ["infrastructure"] },
    }));
  return diffTrees({ base: { side: { label: "main" }, files: renderFixtureTree(make("old")) }, head: { side: { label: "working tree" }, files: renderFixtureTree(make("new")) }, treePrefix: "clusters" });
}

describe("formatMarkdown", () => {
  it("puts the summary, the Mermaid blast radius and every field change in a small diff, with no truncation notice", () => {
    const markdown = formatMarkdown(bigChange(2, 2));
    expect(markdown).toMatch(/^## flotilla diff\n/);
    expect(markdown).toContain("**2 of 2 cluster(s) affected** (2 changed). Objects: 4 changed.");
    expect(markdown).toContain("```mermaid\nflowchart LR\n");
    expect(markdown).toContain(`c0k0["infrastructure"]:::upstream\n    c0k1["platforms<br/>~2"]:::changed\n    c0k0 --> c0k1`);
    expect(markdown).toContain('- .data.setting: "old-0"\n  + .data.setting: "new-0"');
    expect(markdown).toContain("<details><summary><strong>cluster-000</strong> (changed): 2 changed</summary>");
    expect(markdown).not.toContain("Shortened");
  });

  it("keeps a huge change under the comment limit and says what it left out", () => {
    const report = bigChange(120, 30);
    expect(report.summary.objects.changed).toBe(3600);
    const markdown = formatMarkdown(report);
    expect(markdown.length).toBeLessThanOrEqual(60_000);
    expect(markdown).toContain("**120 of 120 cluster(s) affected**");
    const notice = /\*\*Shortened to fit a pull-request comment\*\*: left out (.*)\. To see everything, run `diff --format text`/.exec(markdown);
    expect(notice, markdown.slice(-2000)).not.toBeNull();
    // Clusters either appear in full, without field changes, or are counted in the notice.
    const full = (markdown.match(/\+ \.data\.other/g) ?? []).length / 30;
    const listed = (markdown.match(/<details>/g) ?? []).length;
    const omitted = /the details of (\d+) cluster\(s\) with (\d+) object change\(s\)/.exec(notice![1]!);
    expect(Number.isInteger(full)).toBe(true);
    expect(listed + Number(omitted?.[1] ?? 0)).toBe(120);
    expect(Number(omitted?.[2] ?? 0)).toBe((120 - listed) * 30);
  });

  it("never exceeds the limit given, down to a small budget", () => {
    const report = bigChange(40, 10);
    for (const maxChars of [GITHUB_COMMENT_LIMIT, 20_000, 8_000]) expect(formatMarkdown(report, { maxChars }).length).toBeLessThanOrEqual(maxChars);
  });

  it("escapes names and values: Markdown and HTML in the tree cannot break out of their place", () => {
    const base = renderFixtureTree([{ name: "dev", dirs: { apps: [configMap("apps", "x", { note: "plain" })] } }]);
    const head = renderFixtureTree([{ name: "dev", dirs: { apps: [configMap("apps", "x", { note: "```\n</details><script>alert(1)</script> | *bold*" })] } }]);
    const markdown = formatMarkdown(diffTrees({ base: { side: { label: "main" }, files: base }, head: { side: { label: "a|b`c" }, files: head }, treePrefix: "clusters" }));
    // Values are one JSON line inside a fence longer than any backtick run in them: shown as text, never as HTML.
    expect(markdown).toContain('  ````diff\n  - .data.note: "plain"\n  + .data.note: "```\\n</details><script>alert(1)</script> | *bold*"\n  ````\n');
    expect(markdown.match(/<\/details>/g)).toHaveLength(2);
    expect(markdown).toContain("``a|b`c``");
  });

  it("draws Mermaid node IDs from positions and escapes labels", () => {
    const graph = mermaidGraph([
      {
        name: 'x"y',
        change: "changed",
        counts: { added: 1, removed: 0, changed: 0 },
        groups: [],
        graph: { nodes: [{ id: "ns/a<b>", label: "a<b>", root: false, status: "added", counts: { added: 1, removed: 0, changed: 0 } }], edges: [] },
      },
    ]);
    expect(graph).toContain('subgraph c0["x#quot;y (changed)"]');
    expect(graph).toContain('c0k0["a#lt;b#gt;<br/>+1"]:::added');
  });
});
