import { inspectEncryptedSecret, type InspectProblem, type SecretFileInfo } from "./inspect.js";
import { azureKeyVaultUrl } from "./keys/azure-key-vault.js";
import { azureKeyVaultKeyUrl } from "./keys/types.js";
import type { SopsMetadata } from "./metadata.js";
import { SECRET_COMMAND_NAMES, type SecretCommands } from "./secret-commands.js";

/**
 * The rules an encrypted Secret file must follow to be placed in a cluster's tree: the one
 * implementation behind `secret set` (before writing), synth (before placing a file of the
 * fleet's secrets) and validate (on every `.sops.yaml` file of the tree, without the header synth
 * adds). Nothing here needs a key. Fixes name commands as the caller spells them (SecretCommands).
 */

/** Who a cluster's Secrets are encrypted for: a cluster spec's `sops`. */
export interface SopsRecipientsSpec {
  age?: readonly string[] | undefined;
  azureKeyVault?: { vault: string; key: string; version?: string | undefined } | undefined;
}

/** Where a file is placed, and what the fleet says about its cluster. */
export interface SecretFilePlace {
  cluster: string;
  /** The namespace and name the file's path is for. */
  namespace: string;
  name: string;
  /** The fleet's view of the cluster; without it recipients and namespaces are not checked. */
  fleet?: {
    /** The cluster's file, named in fixes. */
    clusterFile: string;
    sops: SopsRecipientsSpec | undefined;
    /** Namespaces the cluster's Secrets may live in (see secretNamespaces). */
    namespaces: readonly string[];
    /** The fleet's other clusters, to say whose recipients a misplaced file is encrypted for. */
    others: readonly { cluster: string; sops: SopsRecipientsSpec | undefined }[];
  };
}

const BOM = "\uFEFF";

/** Checks `content` (the file's bytes as text) against every rule; the Secret's facts when it passes. */
export function checkSecretFile(content: string, place: SecretFilePlace, commands: SecretCommands = SECRET_COMMAND_NAMES): { ok: true; info: SecretFileInfo } | { ok: false; problems: InspectProblem[] } {
  if (content.startsWith(BOM)) {
    return {
      ok: false,
      problems: [{ path: "", message: "the file starts with a UTF-8 byte order mark: placed after flotilla's header it would become part of the first key; save it as UTF-8 without BOM" }],
    };
  }
  const inspected = inspectEncryptedSecret(content, commands);
  if (!inspected.ok) return inspected;
  const { info } = inspected;
  const problems: InspectProblem[] = [];
  if (info.name !== place.name) {
    problems.push({ path: "metadata.name", message: `the Secret is named "${info.name}" but its file is for "${place.name}"; name the file after the Secret (${info.name}.sops.yaml in the cluster's secrets) and run \`${commands.synth}\`` });
  }
  if (info.namespace !== place.namespace) {
    const actual = info.namespace === undefined ? "not set" : `"${info.namespace}"`;
    problems.push({ path: "metadata.namespace", message: `the Secret's namespace is ${actual} but its file is for namespace "${place.namespace}"; keep the file in the directory of its namespace and run \`${commands.synth}\`` });
  }
  const fleet = place.fleet;
  if (fleet !== undefined) {
    if (!fleet.namespaces.includes(place.namespace)) {
      problems.push({ path: "metadata.namespace", message: `namespace "${place.namespace}" is not rendered by cluster ${place.cluster}; add { name: "${place.namespace}" } to namespaces in ${fleet.clusterFile}` });
    }
    const recipients = recipientsProblem(info.metadata, place, fleet, commands);
    if (recipients !== undefined) problems.push(recipients);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, info };
}

function recipientsProblem(metadata: SopsMetadata, place: SecretFilePlace, fleet: NonNullable<SecretFilePlace["fleet"]>, commands: SecretCommands): InspectProblem | undefined {
  const { cluster } = place;
  if (fleet.sops === undefined) {
    return { path: "sops", message: `cluster ${cluster} has no sops recipients; set sops: { age: [...] } and/or { azureKeyVault: {...} } in ${fleet.clusterFile}` };
  }
  const { missing, extra } = recipientMismatch(metadata, fleet.sops);
  if (missing.length === 0 && extra.length === 0) return undefined;
  const owners = fleet.others.filter((other) => {
    if (other.sops === undefined) return false;
    const theirs = recipientMismatch(metadata, other.sops);
    return theirs.missing.length === 0 && theirs.extra.length === 0;
  });
  const whose = owners.length > 0 ? `it is encrypted for the recipients of cluster ${owners.map((o) => o.cluster).join(", ")}, not ${cluster}` : `it is not encrypted for exactly cluster ${cluster}'s recipients`;
  const detail = [missing.length > 0 ? `missing ${missing.join(", ")}` : "", extra.length > 0 ? `not a recipient of ${cluster}: ${extra.join(", ")}` : ""].filter(Boolean).join("; ");
  return { path: "sops", message: `${whose} (${detail}); re-encrypt it with \`${commands.secretUpdateKeys} ${cluster}\` (or \`${commands.secretSet} ${cluster} ${place.namespace}/${place.name} …\`)` };
}

/**
 * How a file's key stanzas differ from a cluster's recipients: every recipient must have a stanza,
 * and no stanza may be for anyone else. Empty when they match.
 */
export function recipientMismatch(metadata: SopsMetadata, sops: SopsRecipientsSpec): { missing: string[]; extra: string[] } {
  const wantedAge = sops.age ?? [];
  const vault = sops.azureKeyVault === undefined ? undefined : { vaultUrl: azureKeyVaultUrl(sops.azureKeyVault.vault), name: sops.azureKeyVault.key, version: sops.azureKeyVault.version };
  const missing: string[] = [];
  const extra: string[] = [];
  const age = new Set(metadata.age.map((key) => key.recipient));
  for (const recipient of wantedAge) if (!age.has(recipient)) missing.push(recipient);
  for (const recipient of age) if (!wantedAge.includes(recipient)) extra.push(recipient);
  const matches = (key: SopsMetadata["azureKv"][number]) =>
    vault !== undefined &&
    key.vaultUrl.replace(/\/+$/, "").toLowerCase() === vault.vaultUrl.toLowerCase() &&
    key.name === vault.name &&
    (vault.version === undefined || key.version === vault.version);
  if (vault !== undefined && !metadata.azureKv.some(matches)) missing.push(azureKeyVaultKeyUrl({ ...vault, version: vault.version ?? "" }));
  for (const key of metadata.azureKv) if (!matches(key)) extra.push(azureKeyVaultKeyUrl(key));
  extra.push(...metadata.pgp.map((key) => `pgp:${key.fp}`), ...Object.entries(metadata.otherKeys).map(([source, count]) => `${count} ${source} key(s)`));
  return { missing, extra };
}
