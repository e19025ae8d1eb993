import { type CommandHints, COMMAND_NAMES } from "@flotilla/fleet";
import type { ClusterIdentityPlan, IdentityOutput, IdentityOutputs } from "./plan-types.js";

/** A problem with an identity outputs file. */
export interface IdentityOutputsProblem {
  /** The outputs file, as given by the caller (e.g. `identity-outputs/dev.json`). */
  file: string;
  /** Field in the file, like `identities.analytics.clientId`; `""` for the whole file. */
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
  /** The key of the planned identity the problem is about, when it is about one. */
  identity?: string;
}

/** Parsed and checked outputs, or every problem found. */
export type IdentityOutputsResult = { ok: true; outputs: IdentityOutputs } | { ok: false; problems: IdentityOutputsProblem[] };

/**
 * The outputs of a cluster's plan: the entries found, and the planned identities without one
 * (pending: bootstrap apply has not created them yet), or every problem found.
 */
export type ClusterOutputsResult = { ok: true; outputs: IdentityOutputs; pending: string[] } | { ok: false; problems: IdentityOutputsProblem[] };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const IDENTITY_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/i;

/** The file name of a cluster's outputs file in the identity outputs directory (the CLI decides which): `<cluster>.json`. */
export function identityOutputsFileName(cluster: string): string {
  return `${cluster}.json`;
}

/** The command that creates a cluster's identities and writes its outputs file (`bootstrapApply`: as the CLI spells it). */
export function bootstrapApplyCommand(cluster: string, bootstrapApply: string = COMMAND_NAMES.bootstrapApply): string {
  return `${bootstrapApply} --cluster ${cluster}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 79)}…` : value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

/** `parent.key`, or `parent["key"]` when the key is not an identifier (as fleet problem paths are written). */
function fieldPath(parent: string, key: string): string {
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === "" ? key : `${parent}.${key}`;
}

/**
 * Checks a parsed outputs file against the {@link IdentityOutputs} shape: `cluster` a DNS label,
 * `tenantId` a GUID, `identities` an object of identity keys (DNS labels) to `{ clientId,
 * principalId, resourceId }` (GUIDs and a user-assigned identity ARM ID). Unknown fields are
 * errors. Pure; every problem names `file` and the field.
 */
export function validateIdentityOutputs(value: unknown, file: string): IdentityOutputsResult {
  const problems: IdentityOutputsProblem[] = [];
  const report = (path: string, message: string) => problems.push({ file, path, message });
  if (!isObject(value)) {
    report("", `expected a JSON object { cluster, tenantId, identities }, got ${show(value)}`);
    return { ok: false, problems };
  }
  const unknownFields = (object: Record<string, unknown>, known: readonly string[], parent: string) => {
    for (const key of Object.keys(object).sort()) {
      if (!known.includes(key)) report(fieldPath(parent, key), `unknown field; expected only ${known.map((k) => `\`${k}\``).join(", ")}`);
    }
  };
  const text = (object: Record<string, unknown>, key: string, parent: string, pattern: RegExp, expected: string) => {
    const field = object[key];
    if (typeof field === "string" && pattern.test(field)) return field;
    report(fieldPath(parent, key), field === undefined ? `required: ${expected}` : `expected ${expected}, got ${show(field)}`);
    return undefined;
  };

  unknownFields(value, ["cluster", "tenantId", "identities"], "");
  const cluster = text(value, "cluster", "", KEY, "the cluster name");
  const tenantId = text(value, "tenantId", "", GUID, "the tenant ID, a GUID");
  const identities: Record<string, IdentityOutput> = {};
  const rawIdentities = value.identities;
  if (!isObject(rawIdentities)) {
    report("identities", rawIdentities === undefined ? "required: an object of identity name to { clientId, principalId, resourceId }" : `expected an object of identity name to { clientId, principalId, resourceId }, got ${show(rawIdentities)}`);
  } else {
    for (const key of Object.keys(rawIdentities).sort()) {
      const at = fieldPath("identities", key);
      const entry = rawIdentities[key];
      if (!KEY.test(key)) {
        report(at, `identity names are DNS labels (lowercase letters, digits and '-'), got ${show(key)}`);
        continue;
      }
      if (!isObject(entry)) {
        report(at, `expected { clientId, principalId, resourceId }, got ${show(entry)}`);
        continue;
      }
      unknownFields(entry, ["clientId", "principalId", "resourceId"], at);
      const clientId = text(entry, "clientId", at, GUID, "the identity's client ID, a GUID");
      const principalId = text(entry, "principalId", at, GUID, "the identity's principal (object) ID, a GUID");
      const resourceId = text(entry, "resourceId", at, IDENTITY_ID, "the identity's ARM ID, /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>");
      if (clientId !== undefined && principalId !== undefined && resourceId !== undefined) {
        identities[key] = { clientId, principalId, resourceId };
      }
    }
  }
  if (problems.length > 0 || cluster === undefined || tenantId === undefined) return { ok: false, problems };
  return { ok: true, outputs: { cluster, tenantId, identities } };
}

/** Parses the text of an outputs file (JSON) and checks it with {@link validateIdentityOutputs}. */
export function parseIdentityOutputs(text: string, file: string): IdentityOutputsResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [{ file, path: "", message: `not valid JSON (${reason}); restore it from Git or re-run the bootstrap apply that writes it` }] };
  }
  return validateIdentityOutputs(value, file);
}

/**
 * The canonical text of an outputs file: keys in a fixed order (identities sorted by key), two
 * spaces, a final newline. Writing the same outputs twice gives the same bytes.
 */
export function serializeIdentityOutputs(outputs: IdentityOutputs): string {
  const identities: Record<string, IdentityOutput> = {};
  for (const key of Object.keys(outputs.identities).sort()) {
    const { clientId, principalId, resourceId } = outputs.identities[key]!;
    identities[key] = { clientId, principalId, resourceId };
  }
  return `${JSON.stringify({ cluster: outputs.cluster, tenantId: outputs.tenantId, identities }, null, 2)}\n`;
}

/**
 * The outputs synth needs for a cluster's plan, from the text of its outputs file (`undefined`
 * when the file does not exist). Checks that the file is for this cluster and tenant, and that
 * every entry of a planned identity has the planned resource ID; a stale entry names the identity
 * and the command that (re)creates it (`commands`: as the CLI spells them). A planned identity
 * without an entry (or without a file) is *pending*, not a problem: it is listed in `pending` and
 * the outputs simply lack it (see `identityAnnotation`). Extra entries are ignored.
 */
export function identityOutputsFor(plan: ClusterIdentityPlan, text: string | undefined, file: string, commands: Pick<CommandHints, "bootstrapApply"> = COMMAND_NAMES): ClusterOutputsResult {
  const fix = `run \`${bootstrapApplyCommand(plan.cluster, commands.bootstrapApply)}\` and commit ${file}`;
  if (text === undefined) {
    return { ok: true, outputs: { cluster: plan.cluster, tenantId: plan.tenantId, identities: {} }, pending: plan.identities.map((identity) => identity.key) };
  }
  const parsed = parseIdentityOutputs(text, file);
  if (!parsed.ok) return parsed;
  const { outputs } = parsed;
  const problems: IdentityOutputsProblem[] = [];
  if (outputs.cluster !== plan.cluster) {
    problems.push({ file, path: "cluster", message: `this file is for cluster ${JSON.stringify(outputs.cluster)}, not ${plan.cluster}; ${fix}` });
  }
  if (outputs.tenantId.toLowerCase() !== plan.tenantId.toLowerCase()) {
    problems.push({ file, path: "tenantId", message: `tenant ${outputs.tenantId} is not the cluster's tenant ${plan.tenantId}; ${fix}` });
  }
  const pending: string[] = [];
  for (const identity of plan.identities) {
    const at = fieldPath("identities", identity.key);
    const entry = outputs.identities[identity.key];
    if (entry === undefined) {
      pending.push(identity.key);
    } else if (entry.resourceId.toLowerCase() !== identity.resourceId.toLowerCase()) {
      problems.push({
        file,
        path: `${at}.resourceId`,
        identity: identity.key,
        message: `the outputs are for ${entry.resourceId}, but identity ${JSON.stringify(identity.key)} is planned as ${identity.resourceId} (stale outputs: did its resource group change?); ${fix}`,
      });
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, outputs, pending };
}
