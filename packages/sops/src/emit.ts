/**
 * A small YAML emitter for the files flotilla writes. It decides quoting itself so that Go's YAML
 * reader (gopkg.in/yaml.v3, used by sops and by kustomize) reads every string back as exactly the
 * same string: a value that Go would resolve to a bool, a number, null or a timestamp, or that
 * YAML would fold, is double-quoted with escapes. Indentation: two spaces, sequences indented
 * under their key (the layout of sops-encrypted Kubernetes Secrets in Flux's own test data).
 */

/** A node to emit: a string scalar, a literal block (`|`), a mapping (ordered) or a sequence. */
export type EmitNode = string | { literal: string } | EmitMap | EmitNode[];

/** An ordered mapping. */
export interface EmitMap {
  entries: [string, EmitNode][];
}

/** True when `text` may be written as a plain scalar and Go reads it back as the same string. */
export function isPlainSafe(text: string): boolean {
  // Dotted versions with two or more dots ("3.10.2") are neither numbers nor timestamps.
  if (/^[0-9]+(\.[0-9]+){2,}$/.test(text)) return true;
  if (!/^[A-Za-z_^][A-Za-z0-9_./^$()|:[\],=+@-]*$/.test(text)) return false;
  if (text.endsWith(":")) return false;
  // Words YAML 1.1 or 1.2 readers resolve to booleans or null (any case).
  return !/^(y|yes|n|no|true|false|on|off|null)$/i.test(text);
}

const ESCAPES: Record<string, string> = {
  "\0": "\\0",
  "\x07": "\\a",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\v": "\\v",
  "\f": "\\f",
  "\r": "\\r",
  "\x1b": "\\e",
  '"': '\\"',
  "\\": "\\\\",
};

/**
 * A double-quoted scalar: printable ASCII as is, everything else escaped (`\uXXXX`,
 * `\UXXXXXXXX`), so no reader folds line breaks (including U+0085, U+2028, U+2029) or rejects a
 * non-printable character.
 */
export function doubleQuoted(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const escape = ESCAPES[char];
    if (escape !== undefined) out += escape;
    else if (code >= 0x20 && code < 0x7f) out += char;
    else if (code <= 0xffff) out += `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
    else out += `\\U${code.toString(16).toUpperCase().padStart(8, "0")}`;
  }
  return `${out}"`;
}

/** A scalar as it is written: plain when that is safe, double-quoted otherwise. */
export function scalar(text: string): string {
  return isPlainSafe(text) ? text : doubleQuoted(text);
}

function isMap(node: EmitNode): node is EmitMap {
  return typeof node === "object" && !Array.isArray(node) && "entries" in node;
}

function literalLines(text: string, indent: string): string {
  if (!text.endsWith("\n") || text.endsWith("\n\n") || /[^\n\x20-\x7e]/.test(text) || /^\s/.test(text)) {
    throw new Error("a literal block must be printable ASCII, start with a non-space and end with exactly one newline");
  }
  return text
    .slice(0, -1)
    .split("\n")
    .map((line) => (line === "" ? "\n" : `${indent}${line}\n`))
    .join("");
}

/** Emits `node` at `indent` as the value following `key:` (or `- `). */
function emitValue(node: EmitNode, indent: string, out: string[], inSequence: boolean): void {
  if (typeof node === "string") {
    out.push(` ${scalar(node)}\n`);
  } else if (Array.isArray(node)) {
    if (node.length === 0) out.push(" []\n");
    else {
      out.push("\n");
      emitSequence(node, `${indent}  `, out);
    }
  } else if (isMap(node)) {
    if (node.entries.length === 0) out.push(" {}\n");
    else {
      out.push("\n");
      emitMapping(node, inSequence ? indent : `${indent}  `, out);
    }
  } else {
    out.push(" |\n");
    out.push(literalLines(node.literal, `${indent}  `));
  }
}

function emitMapping(node: EmitMap, indent: string, out: string[], firstPrefix?: string): void {
  node.entries.forEach(([key, value], index) => {
    out.push(index === 0 && firstPrefix !== undefined ? firstPrefix : indent);
    out.push(`${scalar(key)}:`);
    emitValue(value, indent, out, false);
  });
}

function emitSequence(items: EmitNode[], indent: string, out: string[]): void {
  for (const item of items) {
    if (isMap(item) && item.entries.length > 0) {
      emitMapping(item, `${indent}  `, out, `${indent}- `);
    } else {
      out.push(`${indent}-`);
      emitValue(item, indent, out, true);
    }
  }
}

/** The YAML text of a top-level mapping, ending in a newline. */
export function emitDocument(root: EmitMap): string {
  const out: string[] = [];
  emitMapping(root, "", out);
  return out.join("");
}
