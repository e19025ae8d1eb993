import type { KubeObject } from "@flotilla/render";
import { PENDING_IDENTITY_ANNOTATION } from "@flotilla/workload-identity";
import { type ClusterObjects, settingProblem } from "./cluster-objects.js";
import type { ConfigTexts } from "./config-texts.js";
import { objectLabel, podTemplateOf, serviceAccountOf } from "./pod-templates.js";
import type { RenderedCluster, RenderedProblem } from "./types.js";

export const USE_LABEL = "azure.workload.identity/use";
export const CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id";

/**
 * Azure Workload Identity end to end, as the webhook and Entra see it: a labelled pod runs as a
 * ServiceAccount with a client ID; that ServiceAccount has exactly one federated credential in the
 * plan, of the identity whose client ID it carries; every ServiceAccount given a client ID is used
 * by a labelled pod (rendered, or created at run time as a platform declares); every workload a
 * platform declares as needing Azure is wired. A ServiceAccount marked `flotilla.dev/pending-identity`
 * stands for its identity's client ID until bootstrap apply creates it: it is held to the same
 * rules (validate reports the pending identity itself, once, and fails on it).
 */
export function checkWorkloadIdentity(cluster: RenderedCluster, objects: ClusterObjects, texts: ConfigTexts): RenderedProblem[] {
  const problems: RenderedProblem[] = [];
  const problem = (release: string, object: string, path: string, message: string) =>
    problems.push({ check: "workload-identity", cluster: cluster.cluster, release, object, path, message });
  const credentials = credentialsBySubject(cluster);
  const usedBy = new Map<string, string[]>();
  const use = (account: string, by: string) => usedBy.set(account, [...(usedBy.get(account) ?? []), by]);

  for (const pod of objects.pods) {
    if (pod.labels[USE_LABEL] !== "true") continue;
    const namespace = pod.object.metadata.namespace ?? "";
    const account = `${namespace}/${serviceAccountOf(pod.spec)}`;
    use(account, objectLabel(pod.object));
    const sa = objects.byLabel.get(`ServiceAccount ${account}`);
    if (sa === undefined) continue; // a missing ServiceAccount is a references problem
    if (clientIdOf(sa.object) === undefined && pendingOf(sa.object) === undefined) {
      problem(
        pod.release,
        objectLabel(pod.object),
        `${pod.path}.metadata.labels[${JSON.stringify(USE_LABEL)}]`,
        `the pod is labelled for workload identity but runs as ServiceAccount ${account}, which has no ${CLIENT_ID_ANNOTATION} annotation: the webhook injects no usable identity. ` +
          `In ${cluster.source}, give ${account} an identity (annotated through the platform's values, federated in the identity plan) if the workload calls Azure, or stop labelling the pod (its podLabels / post-renderer patch)`,
      );
    }
  }

  for (const platform of cluster.platforms) {
    for (const pod of platform.runTimePods) {
      const label = `pods created by ${pod.createdBy} (${pod.namespace}, ServiceAccount ${pod.serviceAccount})`;
      const settings = [pod.labelledBy, pod.serviceAccountBy].flatMap((setting) => (setting ? [settingProblem(objects, setting, texts)] : []));
      const wrong = settings.filter((text): text is string => text !== undefined);
      for (const text of wrong) problem("", label, "", `platform ${platform.platform} declares these pods labelled for workload identity, but ${text}: fix the platform's values in ${cluster.source}`);
      if (pod.labelledBy && wrong.length === 0) use(`${pod.namespace}/${pod.serviceAccount}`, label);
    }
  }

  const runTimeAccounts = [...objects.runTime.values()].filter((object) => object.kind === "ServiceAccount");
  for (const { object, release } of objects.all) {
    if (object.kind !== "ServiceAccount") continue;
    const clientId = clientIdOf(object);
    const pending = pendingOf(object);
    if (clientId === undefined && pending === undefined) continue;
    const account = `${object.metadata.namespace ?? ""}/${object.metadata.name}`;
    if (clientId === undefined) checkPending(account, pending!, release, objectLabel(object));
    else checkFederation(account, clientId, release, objectLabel(object));
    if (!usedBy.has(account) && !(cluster.externalWorkloadAccounts ?? []).includes(account)) {
      problem(
        release,
        objectLabel(object),
        `.metadata.annotations[${JSON.stringify(clientId === undefined ? PENDING_IDENTITY_ANNOTATION : CLIENT_ID_ANNOTATION)}]`,
        `ServiceAccount ${account} is given ${identityPhrase(pending ?? identityOfClientId(clientId)) ?? "an identity"}, but no pod labelled ${USE_LABEL}: "true" runs as it, so nothing can use the identity. ` +
          `In ${cluster.source}, label the pods that run as ${account} (the platform's podLabels, or a post-renderer where the chart has none), or remove the identity`,
      );
    }
  }
  for (const account of runTimeAccounts) {
    const key = `${account.namespace}/${account.name}`;
    if (credentials.has(key)) checkFederation(key, undefined, "", `ServiceAccount ${key} (created at run time by ${account.createdBy})`);
  }

  for (const platform of cluster.platforms) {
    for (const workload of platform.azure) {
      const label = `${workload.kind} ${workload.namespace}/${workload.name}`;
      const placed = objects.byLabel.get(label);
      const template = placed && podTemplateOf(placed.object);
      const release = placed?.release ?? "";
      if (template === undefined) {
        problem(release, label, "", `platform ${platform.platform} declares that ${label} needs Azure (${workload.reason}), but its release renders no such workload: the declaration or the release name is out of date`);
        continue;
      }
      if (template.labels[USE_LABEL] !== "true") {
        problem(release, label, `${template.path}.metadata.labels[${JSON.stringify(USE_LABEL)}]`, `${label} needs Azure (${workload.reason}) but its pods are not labelled ${USE_LABEL}: "true": set the platform's pod labels for it in ${cluster.source}`);
      }
      const account = `${workload.namespace}/${serviceAccountOf(template.spec)}`;
      const sa = objects.byLabel.get(`ServiceAccount ${account}`);
      if (sa !== undefined && clientIdOf(sa.object) === undefined && pendingOf(sa.object) === undefined) {
        problem(release, label, `${template.path}.spec.serviceAccountName`, `${label} needs Azure (${workload.reason}) but runs as ServiceAccount ${account}, which has no ${CLIENT_ID_ANNOTATION}: give it the platform's identity in ${cluster.source}`);
      }
    }
  }
  return problems;

  function checkFederation(account: string, clientId: string | undefined, release: string, object: string): void {
    if (cluster.identities === undefined) return;
    const found = credentials.get(account) ?? [];
    const path = `.metadata.annotations[${JSON.stringify(CLIENT_ID_ANNOTATION)}]`;
    if (found.length !== 1) {
      problem(
        release,
        object,
        path,
        found.length === 0
          ? `ServiceAccount ${account} carries ${identityPhrase(identityOfClientId(clientId), "the client ID of ") ?? "a client ID"}, but the identity plan has no federated credential for system:serviceaccount:${account.replace("/", ":")}: Entra rejects its tokens (AADSTS70021). ${federateFix(account, identityOfClientId(clientId))}`
          : `ServiceAccount ${account} is federated by ${found.length} identities (${found.join(", ")}): keep it in exactly one identity in ${cluster.source}`,
      );
      return;
    }
    const expected = cluster.identities.outputs.identities[found[0]!]?.clientId;
    // flotilla's own ServiceAccounts are held to the outputs by validate's identities check.
    if (release !== "" && clientId !== undefined && expected !== undefined && clientId !== expected) {
      problem(release, object, path, `ServiceAccount ${account} carries client ID ${clientId}, but it is federated with identity ${found[0]} whose client ID in the identity outputs is ${expected}: re-run synth after bootstrap apply`);
    }
    if (release !== "" && clientId !== undefined && expected === undefined) {
      problem(release, object, path, `ServiceAccount ${account} carries client ID ${clientId}, but its identity ${found[0]} has no identity outputs yet (bootstrap apply has not created it): that client ID is not one Azure assigned; set no client ID by hand, run bootstrap apply, then synth`);
    }
  }

  /** The identity key whose client ID (in the identity outputs) this is. */
  function identityOfClientId(clientId: string | undefined): string | undefined {
    if (clientId === undefined || cluster.identities === undefined) return undefined;
    return Object.entries(cluster.identities.outputs.identities).find(([, output]) => output.clientId === clientId)?.[0];
  }

  /** `identity k (asked for by platforms.flyte)`, as far as known. */
  function identityPhrase(identity: string | undefined, prefix = ""): string | undefined {
    if (identity === undefined) return undefined;
    const setting = cluster.identitySettings?.get(identity);
    return `${prefix}identity ${identity}${setting === undefined ? "" : ` (asked for by ${setting})`}`;
  }

  /** What to change so that the plan federates `account` with the identity. */
  function federateFix(account: string, identity: string | undefined): string {
    const setting = identity === undefined ? undefined : cluster.identitySettings?.get(identity);
    if (setting === undefined) return `Add it to the identity's ServiceAccounts in ${cluster.source} and run bootstrap apply`;
    if (setting.startsWith("identities[")) return `Add it to ${setting}.serviceAccounts in ${cluster.source} and run bootstrap apply`;
    return `In ${cluster.source}, change ${setting} so that the identity federates ${account} (or the chart no longer creates it annotated), then run bootstrap apply`;
  }

  /** A ServiceAccount waiting for an identity: federated with exactly that identity, which really has no outputs yet. */
  function checkPending(account: string, pending: string, release: string, object: string): void {
    if (cluster.identities === undefined) return;
    const found = credentials.get(account) ?? [];
    const path = `.metadata.annotations[${JSON.stringify(PENDING_IDENTITY_ANNOTATION)}]`;
    if (found.length !== 1 || found[0] !== pending) {
      // One a chart creates keeps its annotation whatever synth does: the setting must federate it (or the chart not create it).
      const fix = release !== "" && found.length === 0 ? federateFix(account, pending) : "re-run synth";
      problem(release, object, path, `ServiceAccount ${account} waits for ${identityPhrase(pending)}, but the identity plan federates it with ${found.length === 0 ? "no identity" : found.join(", ")}: ${fix}`);
      return;
    }
    if (cluster.identities.outputs.identities[pending] !== undefined) {
      problem(release, object, path, `ServiceAccount ${account} still waits for identity ${pending}, which the identity outputs now have: re-run synth to give it the client ID`);
    }
  }
}

function pendingOf(object: KubeObject): string | undefined {
  const annotations = object.metadata.annotations as Record<string, unknown> | undefined;
  const value = annotations?.[PENDING_IDENTITY_ANNOTATION];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function clientIdOf(object: KubeObject): string | undefined {
  const annotations = object.metadata.annotations as Record<string, unknown> | undefined;
  const value = annotations?.[CLIENT_ID_ANNOTATION];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The identity keys federating each ServiceAccount `namespace/name` of the cluster's issuer. */
function credentialsBySubject(cluster: RenderedCluster): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const plan = cluster.identities?.plan;
  if (plan === undefined) return found;
  const prefix = "system:serviceaccount:";
  for (const identity of plan.identities) {
    for (const credential of identity.federatedCredentials) {
      if (credential.issuer !== plan.oidcIssuerUrl || !credential.subject.startsWith(prefix)) continue;
      const [namespace, name] = credential.subject.slice(prefix.length).split(":");
      const key = `${namespace}/${name}`;
      found.set(key, [...(found.get(key) ?? []), identity.key]);
    }
  }
  return found;
}
