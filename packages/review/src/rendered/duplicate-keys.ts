import { isMap, isScalar, isSeq, type Node, parseAllDocuments, parseDocument } from "yaml";
import type { KubeObject } from "@flotilla/render";
import type { ConfigTexts } from "./config-texts.js";
import { isRecord, objectLabel } from "./pod-templates.js";

/** A key written twice in one mapping. */
export interface DuplicateKey {
  /** Path of the mapping that holds it, e.g. `.metadata.labels`. */
  path: string;
  key: string;
}

/** Every key that appears twice in one mapping of a YAML (or JSON) document, with the mapping's path. */
export function duplicateKeysIn(text: string): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  for (const document of parseAllDocuments(text, { uniqueKeys: false })) {
    if (document.contents) walk(document.contents, "", found);
  }
  return found;
}

function walk(node: Node, path: string, found: DuplicateKey[]): void {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (seen.has(key)) found.push({ path: path || ".", key });
      seen.add(key);
      if (pair.value && typeof pair.value === "object") walk(pair.value as Node, `${path}.${key}`, found);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      if (item && typeof item === "object") walk(item as Node, `${path}[${index}]`, found);
    });
  }
}

/** A document of Helm's output that repeats a key, named by the object it would be. */
export interface ManifestDuplicate extends DuplicateKey {
  object: string;
}

/**
 * The keys written twice in Helm's output. kustomize (kyaml) refuses such a document, so a
 * release with post-renderers never installs; without post-renderers one value silently wins.
 */
export function manifestDuplicateKeys(manifest: string, namespace?: string): ManifestDuplicate[] {
  const found: ManifestDuplicate[] = [];
  for (const document of parseAllDocuments(manifest, { uniqueKeys: false })) {
    if (!document.contents) continue;
    const keys: DuplicateKey[] = [];
    walk(document.contents, "", keys);
    if (keys.length === 0) continue;
    const object = document.toJS() as Partial<KubeObject> | null;
    const metadata = object && isRecord(object.metadata) ? object.metadata : undefined;
    const placed = metadata && namespace !== undefined && !metadata.namespace ? { ...object, metadata: { ...metadata, namespace } } : object;
    const label = placed && typeof placed.kind === "string" && metadata ? objectLabel(placed as KubeObject) : "(a document)";
    for (const key of keys) found.push({ ...key, object: label });
  }
  return found;
}

/** A ConfigMap entry holding a config file with a repeated key. */
export interface ConfigFileDuplicate extends DuplicateKey {
  /** The data key, e.g. `storage.yaml`. */
  file: string;
}

/**
 * The repeated keys in the YAML and JSON config files a ConfigMap carries: entries named
 * `*.yaml`, `*.yml` or `*.json`, and multi-line entries that are a YAML mapping (Argo's `config`).
 * The program reading the file sees only one of the two values. `texts` parses each text once per run.
 */
export function configFileDuplicateKeys(configMap: KubeObject, texts: ConfigTexts): ConfigFileDuplicate[] {
  const data = isRecord(configMap.data) ? configMap.data : {};
  const found: ConfigFileDuplicate[] = [];
  for (const [file, text] of Object.entries(data)) {
    if (typeof text !== "string" || !isConfigFile(file, text, texts)) continue;
    for (const duplicate of texts.duplicateKeys(text)) found.push({ ...duplicate, file });
  }
  return found;
}

function isConfigFile(file: string, text: string, texts: ConfigTexts): boolean {
  if (/\.(ya?ml|json)$/i.test(file)) return true;
  return text.includes("\n") && texts.isMapping(text);
}

/** Whether the text is one YAML document that is a mapping. */
export function isConfigFileText(text: string): boolean {
  const document = parseDocument(text, { uniqueKeys: false });
  return document.errors.length === 0 && isMap(document.contents);
}
