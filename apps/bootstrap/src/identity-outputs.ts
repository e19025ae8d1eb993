/**
 * The identity outputs file, `apps/fleet/identity-outputs/<cluster>.json`: what apply learnt from
 * Azure (client ID, principal ID, resource ID per identity key, and the tenant), committed, read
 * by synth. Written atomically — a temporary file in the same directory, flushed, then renamed
 * over the old one — so a reader sees the old file or the new one, never half of one. The bytes
 * come from @flotilla/workload-identity's `serializeIdentityOutputs` (the same canonical form
 * synth's reader documents: fixed field order, identities sorted by key, two-space indent,
 * trailing newline), are checked with its `validateIdentityOutputs` first, and the file is only
 * replaced when they change.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { serializeIdentityOutputs, validateIdentityOutputs, type IdentityOutputs } from "@flotilla/workload-identity";
import { writeFileDurable } from "@flotilla/lock";

export function outputsPath(dir: string, cluster: string): string {
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(cluster)) throw new Error(`not a cluster name: ${JSON.stringify(cluster)}`);
  return join(dir, `${cluster}.json`);
}

/** Writes `<dir>/<cluster>.json` unless it already holds exactly these bytes. */
export async function writeOutputsFile(dir: string, outputs: IdentityOutputs): Promise<"written" | "unchanged"> {
  const target = outputsPath(dir, outputs.cluster);
  const checked = validateIdentityOutputs(outputs, target);
  if (!checked.ok) throw new Error(`refusing to write invalid identity outputs: ${checked.problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
  const content = serializeIdentityOutputs(outputs);
  const current = await readFile(target, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (current === content) return "unchanged";
  await writeFileDurable(target, content);
  return "written";
}
