import { join } from "node:path";
import type { FleetProblem } from "@flotilla/fleet";
import { type ClusterIdentityPlan, type IdentityOutputs, identityOutputsFileName, identityOutputsFor } from "@flotilla/workload-identity";
import { COMMAND_HINTS } from "./cli/command-hints.js";
import { readIfExists } from "./read-if-exists.js";

/** Where the identity outputs files are: `<dir>/<cluster>.json`, written by `pnpm bootstrap apply`. */
export interface IdentityOutputsLocation {
  /** The directory, e.g. `apps/fleet/identity-outputs`. */
  dir: string;
  /** How a file's path is shown to people (relative to the repository root). */
  displayName: (file: string) => string;
}

/** The outputs of every cluster that has identities, or every problem with them. */
export interface ReadIdentityOutputs {
  /** By cluster name; clusters without identities get an empty entry. */
  outputs: Map<string, IdentityOutputs>;
  /** By cluster name, the planned identities without outputs yet (pending bootstrap apply), when there are any. */
  pending: Map<string, string[]>;
  problems: FleetProblem[];
}

/** The path of a cluster's outputs file. */
export function identityOutputsFile(location: IdentityOutputsLocation, cluster: string): string {
  return join(location.dir, identityOutputsFileName(cluster));
}

/** The cluster file and its setting that make a cluster's plan hold an identity (see identitySettings). */
export type IdentitySettingOf = (cluster: string, identity: string) => { file: string; setting: string } | undefined;

/**
 * Reads the outputs file of every cluster whose plan has identities and checks it against the
 * plan (see `identityOutputsFor`): a planned identity without an entry (or without a file) is
 * pending; a stale or foreign file is a problem. Files of clusters without identities are not read.
 * A problem with one identity's entry is a problem of the setting that caused the identity
 * (`settingOf`), naming the outputs file and its field.
 */
export async function readIdentityOutputs(location: IdentityOutputsLocation, plans: readonly ClusterIdentityPlan[], settingOf: IdentitySettingOf = () => undefined): Promise<ReadIdentityOutputs> {
  const result: ReadIdentityOutputs = { outputs: new Map(), pending: new Map(), problems: [] };
  for (const plan of plans) {
    if (plan.identities.length === 0) {
      result.outputs.set(plan.cluster, { cluster: plan.cluster, tenantId: plan.tenantId, identities: {} });
      continue;
    }
    const path = identityOutputsFile(location, plan.cluster);
    const file = location.displayName(path);
    let text: string | undefined;
    try {
      text = await readIfExists(path);
    } catch (error) {
      result.problems.push({ file, path: "", message: `could not be read: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    const checked = identityOutputsFor(plan, text, file, COMMAND_HINTS);
    if (!checked.ok) {
      result.problems.push(
        ...checked.problems.map(({ identity, ...problem }) => {
          const cause = identity === undefined ? undefined : settingOf(plan.cluster, identity);
          return cause === undefined ? problem : { file: cause.file, path: cause.setting, message: `${problem.file} ${problem.path}: ${problem.message}` };
        }),
      );
      continue;
    }
    result.outputs.set(plan.cluster, checked.outputs);
    if (checked.pending.length > 0) result.pending.set(plan.cluster, checked.pending);
  }
  return result;
}
