import type { ClusterIdentityPlan } from "@flotilla/workload-identity";
import type { IdentitySettingOf } from "./identity-outputs.js";

/** A planned identity that bootstrap apply has not created yet: synth renders its ServiceAccounts without a client ID. */
export interface PendingIdentity {
  cluster: string;
  /** The identity's key. */
  identity: string;
  /** `namespace/name` of every ServiceAccount of the cluster federated with it. */
  serviceAccounts: string[];
  /** The cluster's identity outputs file, as shown to people. */
  outputsFile: string;
  /** The cluster file and its setting that make the plan hold the identity (a new platform, identity or cluster), when known. */
  setting?: { file: string; setting: string };
}

const SUBJECT_PREFIX = "system:serviceaccount:";

/** The pending identities of every cluster (by cluster, in plan order), with the ServiceAccounts waiting for them. */
export function pendingIdentitiesOf(
  plans: ReadonlyMap<string, ClusterIdentityPlan>,
  pending: ReadonlyMap<string, readonly string[]>,
  outputsFile: (cluster: string) => string,
  settingOf: IdentitySettingOf = () => undefined,
): PendingIdentity[] {
  return [...pending].flatMap(([cluster, keys]) => {
    const plan = plans.get(cluster);
    return keys.map((identity) => ({
      cluster,
      identity,
      ...withSetting(settingOf(cluster, identity)),
      serviceAccounts: (plan?.identities.find((planned) => planned.key === identity)?.federatedCredentials ?? [])
        .filter((credential) => credential.issuer === plan?.oidcIssuerUrl && credential.subject.startsWith(SUBJECT_PREFIX))
        .map((credential) => credential.subject.slice(SUBJECT_PREFIX.length).replace(":", "/")),
      outputsFile: outputsFile(cluster),
    }));
  });
}

function withSetting(setting: ReturnType<IdentitySettingOf>): { setting?: { file: string; setting: string } } {
  return setting === undefined ? {} : { setting };
}

/** What makes a cluster's pending identities real: the commands, in order. */
export function pendingFix(cluster: string, outputsFile: string, outDir: string): string {
  return `run \`pnpm bootstrap apply --cluster ${cluster}\` (it creates them in Azure and writes ${outputsFile}), then \`pnpm synth\`, and commit ${outputsFile} and ${outDir}/${cluster}/`;
}

/**
 * One line per pending identity, as fleet problems are written: at the setting of the cluster file
 * that asks for the identity (`<cluster file>: platforms.flyte: …`, naming the outputs file that
 * has no entry for it), or at the outputs file's entry when the setting is not known.
 */
export function describePendingIdentities(pending: readonly PendingIdentity[], outDir: string): string[] {
  return pending.map(({ cluster, identity, serviceAccounts, outputsFile, setting }) => {
    const accounts = serviceAccounts.length > 0 ? `its ServiceAccounts ${serviceAccounts.join(", ")} are rendered` : "what uses it is rendered";
    const field = /^[A-Za-z_$][\w$]*$/.test(identity) ? `identities.${identity}` : `identities[${JSON.stringify(identity)}]`;
    const where = setting === undefined ? `${outputsFile}: ${field}` : `${setting.file}: ${setting.setting}`;
    const why = setting === undefined ? "bootstrap apply has not created it" : `${outputsFile} has no ${field}: bootstrap apply has not created it`;
    return `${where}: identity ${JSON.stringify(identity)} of cluster ${cluster} is pending (${why}): ${accounts} without a client ID, marked flotilla.dev/pending-identity; ${pendingFix(cluster, outputsFile, outDir)}`;
  });
}
