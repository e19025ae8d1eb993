import type { BlockContent, Code, Heading, Html, Paragraph, PhrasingContent, RootContent, Table, TableRow } from "mdast";
import { gfmTableToMarkdown } from "mdast-util-gfm-table";
import { toMarkdown } from "mdast-util-to-markdown";

/**
 * Markdown is built as an mdast tree and serialized by mdast-util-to-markdown, which escapes
 * text and picks fences that the content cannot close: names and values from the tree are never
 * pasted into Markdown syntax by hand. Raw HTML is used only for <details>, with text escaped.
 */
export function serialize(nodes: RootContent[]): string {
  return toMarkdown({ type: "root", children: nodes }, { extensions: [gfmTableToMarkdown({ tablePipeAlign: false })], bullet: "-", fences: true });
}

export const text = (value: string): PhrasingContent => ({ type: "text", value });
export const code = (value: string): PhrasingContent => ({ type: "inlineCode", value });
export const strong = (...children: PhrasingContent[]): PhrasingContent => ({ type: "strong", children });
export const paragraph = (...children: PhrasingContent[]): Paragraph => ({ type: "paragraph", children });
export const heading = (depth: 2 | 3 | 4, ...children: PhrasingContent[]): Heading => ({ type: "heading", depth, children });
export const codeBlock = (lang: string, value: string): Code => ({ type: "code", lang, value });
export const html = (value: string): Html => ({ type: "html", value });

export function table(header: string[], rows: PhrasingContent[][]): Table {
  const row = (cells: PhrasingContent[]): TableRow => ({ type: "tableRow", children: cells.map((cell) => ({ type: "tableCell", children: [cell] })) });
  return { type: "table", align: header.map(() => null), children: [row(header.map(text)), ...rows.map(row)] };
}

export function list(items: BlockContent[][]): RootContent {
  return { type: "list", ordered: false, spread: false, children: items.map((children) => ({ type: "listItem", spread: false, children })) };
}

/** Text for raw HTML (the <summary> of a <details> block). */
export function escapeHtml(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}
