import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, Scalar, type Node } from "yaml";
import { SopsError } from "./errors.js";
import { resolvePlainScalar, type SopsValue } from "./go-values.js";

/**
 * The document of a SOPS file as sops sees it: ordered mappings with string keys, sequences and
 * leaves typed the way Go's YAML reader types them. Comments are not part of it: sops leaves them
 * out of the MAC, and flotilla's Secrets carry none.
 */
export type SopsNode = SopsMap | SopsSeq | SopsLeaf;

export interface SopsMap {
  kind: "map";
  entries: { key: string; value: SopsNode }[];
}

export interface SopsSeq {
  kind: "seq";
  items: SopsNode[];
}

export interface SopsLeaf {
  kind: "leaf";
  value: SopsValue;
}

/** A parsed SOPS file: the document without its `sops` key, and the `sops` metadata node. */
export interface ParsedSopsDocument {
  tree: SopsMap;
  /** The value of the top-level `sops` key, `undefined` when the file has none. */
  metadata: SopsNode | undefined;
}

function toNode(node: Node | null, path: string): SopsNode {
  if (node === null) return { kind: "leaf", value: { type: "null" } };
  if (isAlias(node)) throw new SopsError("YAML aliases are not supported in SOPS files; write the value out", path);
  if (isScalar(node)) {
    const text = String(node.value ?? "");
    const plain = node.type === Scalar.PLAIN || node.type === undefined;
    const tag = node.tag ?? undefined;
    if (tag !== undefined && tag !== "tag:yaml.org,2002:str") {
      throw new SopsError(`YAML tags (${tag}) are not supported in SOPS files`, path);
    }
    return { kind: "leaf", value: plain && tag === undefined ? resolvePlainScalar(text) : { type: "str", value: text } };
  }
  if (isSeq(node)) {
    return { kind: "seq", items: node.items.map((item, index) => toNode(item as Node | null, `${path}[${index}]`)) };
  }
  if (isMap(node)) {
    const entries: SopsMap["entries"] = [];
    const seen = new Set<string>();
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      if (!isScalar(keyNode)) throw new SopsError("mapping keys must be strings", path);
      const key = String(keyNode.value);
      const at = path === "" ? key : `${path}.${key}`;
      // Go's YAML (sops, kustomize-controller) merges `<<` into the mapping; flotilla's reader would not.
      if (key === "<<" && (keyNode.type === Scalar.PLAIN || keyNode.type === undefined)) {
        throw new SopsError("a YAML merge key (<<): sops and Flux would merge it into the mapping, so the object they see is not the one in the file; write the keys out", at);
      }
      if (seen.has(key)) throw new SopsError("duplicate key", at);
      seen.add(key);
      entries.push({ key, value: toNode(pair.value as Node | null, at) });
    }
    return { kind: "map", entries };
  }
  throw new SopsError("unsupported YAML node", path);
}

/**
 * Parses a SOPS file in YAML (or JSON, which YAML reads too). Throws a {@link SopsError} for
 * invalid YAML, more than one document, a top level that is not a mapping, aliases, tags and
 * merge keys.
 */
export function parseSopsDocument(text: string): ParsedSopsDocument {
  const documents = parseAllDocuments(text, { schema: "failsafe", uniqueKeys: false, prettyErrors: false });
  if (documents.length > 1) {
    throw new SopsError(`${documents.length} YAML documents (separated by ---): a SOPS file holds exactly one object; move the others into files of their own`);
  }
  const document = documents[0];
  if (document === undefined) throw new SopsError("the file is empty");
  const error = document.errors[0];
  if (error !== undefined) throw new SopsError(`not valid YAML: ${error.message.split("\n")[0]}`);
  const root = toNode(document.contents as Node | null, "");
  if (root.kind !== "map") throw new SopsError("the document must be a mapping");
  const metadata = root.entries.find((entry) => entry.key === "sops")?.value;
  return { tree: { kind: "map", entries: root.entries.filter((entry) => entry.key !== "sops") }, metadata };
}
