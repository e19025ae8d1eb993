import { isEncryptedValue, parseEncryptedValue } from "./aes-value.js";
import { encryptionRule, treeToPlain } from "./crypt-tree.js";
import { decryptedShape } from "./decrypted-shape.js";
import { SopsError } from "./errors.js";
import { lastModifiedAad, readMetadata, type SopsMetadata } from "./metadata.js";
import { SECRET_COMMAND_NAMES, type SecretCommands } from "./secret-commands.js";
import { parseSopsDocument, type SopsMap, type SopsNode } from "./tree.js";

/** What can be checked about an encrypted Kubernetes Secret without any key. */
export interface SecretFileInfo {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | undefined;
  /** The keys of `data` and `stringData` (their names are in clear text), sorted. */
  dataKeys: string[];
  metadata: SopsMetadata;
  /** The Secret as its schema sees it (see decryptedShape). */
  shape: Record<string, unknown>;
}

/** A problem found by {@link inspectEncryptedSecret}: a field path (`""` for the file) and a message. */
export interface InspectProblem {
  path: string;
  message: string;
}

/** sops never encrypts an empty string: it would be committed, and applied, as it is. */
function emptyValue(secretSet: string): string {
  return `an empty value: sops leaves empty values unencrypted, so flotilla refuses them; give the key a value with \`${secretSet}\`, or drop the key (\`${secretSet} … --replace\` with the other keys)`;
}

function get(map: SopsMap, key: string): SopsNode | undefined {
  return map.entries.find((entry) => entry.key === key)?.value;
}

function stringAt(map: SopsMap, key: string): string | undefined {
  const node = get(map, key);
  return node?.kind === "leaf" && node.value.type === "str" ? node.value.value : undefined;
}

/**
 * Checks, without decrypting, that a file is a SOPS-encrypted Kubernetes Secret Flux can apply:
 * a `sops` block with a MAC, every value under `data`/`stringData` encrypted (ENC[...], never
 * empty) and nothing else encrypted that Kubernetes must read (metadata). Returns the Secret's identity,
 * data keys and key stanzas, or the problems. (The MAC itself needs the data key: the reader
 * checks it.) Fixes name commands as `commands` spells them.
 */
export function inspectEncryptedSecret(text: string, commands: Pick<SecretCommands, "secretSet"> = SECRET_COMMAND_NAMES): { ok: true; info: SecretFileInfo } | { ok: false; problems: InspectProblem[] } {
  const problems: InspectProblem[] = [];
  let document;
  let metadata: SopsMetadata;
  try {
    document = parseSopsDocument(text);
    metadata = readMetadata(document.metadata);
    lastModifiedAad(metadata.lastModified);
  } catch (error) {
    if (error instanceof SopsError) return { ok: false, problems: [{ path: error.path, message: error.reason }] };
    throw error;
  }
  const { tree } = document;
  if (metadata.mac === "") problems.push({ path: "sops.mac", message: "the file has no MAC; re-encrypt it" });
  else {
    try {
      parseEncryptedValue(metadata.mac, "sops.mac");
    } catch (error) {
      if (!(error instanceof SopsError)) throw error;
      problems.push({ path: "sops.mac", message: error.reason });
    }
  }
  const apiVersion = stringAt(tree, "apiVersion") ?? "";
  const kind = stringAt(tree, "kind") ?? "";
  if (apiVersion !== "v1" || kind !== "Secret") {
    problems.push({ path: "kind", message: `expected an encrypted Secret (apiVersion v1, kind Secret), got ${JSON.stringify(`${apiVersion} ${kind}`.trim())}` });
  }
  const meta = get(tree, "metadata");
  const name = meta?.kind === "map" ? stringAt(meta, "name") : undefined;
  const namespace = meta?.kind === "map" ? stringAt(meta, "namespace") : undefined;
  if (name === undefined) problems.push({ path: "metadata.name", message: "required: the Secret's name (in clear text)" });

  const isEncrypted = encryptionRule(metadata);
  const visit = (node: SopsNode, path: string[]) => {
    if (node.kind === "seq") node.items.forEach((item) => visit(item, path));
    else if (node.kind === "map") node.entries.forEach((entry) => visit(entry.value, [...path, entry.key]));
    else {
      const shown = path.join(".");
      const secretValue = path[0] === "data" || path[0] === "stringData";
      const encrypted = isEncrypted(path);
      const text = node.value.type === "str" ? node.value.value : undefined;
      if (secretValue && text === "") problems.push({ path: shown, message: emptyValue(commands.secretSet) });
      else if (secretValue && !encrypted) problems.push({ path: shown, message: "a Secret value in plaintext: the file's sops rules leave it unencrypted; re-encrypt with encrypted_regex ^(data|stringData)$" });
      else if (encrypted && (text === undefined || (text !== "" && !isEncryptedValue(text)))) problems.push({ path: shown, message: "expected an encrypted value (ENC[...]), found plaintext" });
      else if (encrypted && text !== undefined && text !== "") {
        try {
          parseEncryptedValue(text, shown);
        } catch (error) {
          if (!(error instanceof SopsError)) throw error;
          problems.push({ path: shown, message: error.reason });
        }
        if (!secretValue) problems.push({ path: shown, message: "encrypted outside data/stringData: Kubernetes would receive ciphertext; encrypt with encrypted_regex ^(data|stringData)$" });
      }
    }
  };
  visit(tree, []);
  if (problems.length > 0) return { ok: false, problems };
  const dataKeys = ["data", "stringData"].flatMap((field) => {
    const node = get(tree, field);
    return node?.kind === "map" ? node.entries.map((entry) => entry.key) : [];
  });
  return { ok: true, info: { apiVersion, kind, name: name!, namespace, dataKeys: [...new Set(dataKeys)].sort(), metadata, shape: decryptedShape(treeToPlain(tree) as Record<string, unknown>) } };
}
