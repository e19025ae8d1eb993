import {
  CLIENT_ID_ANNOTATION,
  type ClusterIdentityPlan,
  type FluxControllerAccount,
  type IdentityOutputs,
  PENDING_IDENTITIES_ANNOTATION,
  PENDING_IDENTITY_ANNOTATION,
  type PlannedServiceAccount,
  plannedServiceAccounts,
  TENANT_ID_ANNOTATION,
} from "@flotilla/workload-identity";
import { jsonPathKey } from "@flotilla/render";
import type { Manifest } from "../manifests/manifest.js";
import { checkFluxControllers } from "./flux-controllers-check.js";
import { objectProblem } from "./problem.js";
import { synthHint, type TreeView, type ValidationProblem } from "./types.js";

/** What the fleet says the tree's workload identities must be. */
export interface IdentityExpectations {
  /** The fleet's identity plan, one entry per cluster of the fleet but those `unchecked`. */
  plans: readonly ClusterIdentityPlan[];
  /**
   * Clusters of the fleet without a plan (their files or plans have problems the caller reports):
   * their trees are neither checked nor reported as foreign.
   * @default []
   */
  unchecked?: readonly string[];
  /** Identity outputs by cluster (checked against the plan with identityOutputsFor). */
  outputs: ReadonlyMap<string, IdentityOutputs>;
  /** How a cluster's outputs file is named in messages, e.g. `identity-outputs/dev.json`. */
  outputsFile: (cluster: string) => string;
  /**
   * Flux's controllers with identities, by cluster, for clusters whose Flux synth patches
   * (`flux-system-patches/`); checked by `checkFluxControllers`.
   * @default - not checked
   */
  fluxControllers?: ReadonlyMap<string, readonly FluxControllerAccount[]>;
}

const annotationPath = (name: string) => `.metadata.annotations${jsonPathKey(name)}`;

/**
 * Every cluster of the fleet is rendered and every rendered cluster is in the fleet; every
 * ServiceAccount annotated with a client ID is one the identity plan federates, with the client ID
 * of its identity from the outputs and the cluster's tenant; every ServiceAccount the plan
 * federates is rendered. A mismatch is a token exchange that fails with AADSTS70021 in production.
 */
export function checkIdentities(tree: TreeView, expected: IdentityExpectations): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const synth = synthHint(tree);
  const plans = new Map(expected.plans.map((plan) => [plan.cluster, plan]));
  const unchecked = new Set(expected.unchecked ?? []);
  for (const cluster of tree.clusters) {
    if (!plans.has(cluster) && !unchecked.has(cluster)) {
      problems.push({ check: "fleet", file: `${cluster}/`, object: "", path: "", message: `no cluster of the fleet is named ${cluster}; run \`${synth}\` to remove its generated files, or add its definition` });
    }
  }
  for (const plan of expected.plans) {
    if (!tree.clusters.includes(plan.cluster)) {
      problems.push({ check: "fleet", file: `${plan.cluster}/`, object: "", path: "", message: `cluster ${plan.cluster} of the fleet is not rendered; run \`${synth}\` and commit ${tree.treePrefix}/${plan.cluster}/` });
      continue;
    }
    const outputs = expected.outputs.get(plan.cluster);
    if (outputs === undefined) continue; // the outputs' own problems are reported by the caller
    const planned = plannedServiceAccounts(plan, outputs);
    problems.push(...checkCluster(tree, plan, planned, expected.outputsFile(plan.cluster)));
    problems.push(...checkPlatformAccounts(tree, plan, outputs, expected.outputsFile(plan.cluster)));
  }
  if (expected.fluxControllers !== undefined) problems.push(...checkFluxControllers(tree, expected.fluxControllers));
  return problems;
}

function checkCluster(tree: TreeView, plan: ClusterIdentityPlan, planned: PlannedServiceAccount[], outputsFile: string): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const synth = synthHint(tree);
  const byName = new Map(planned.map((account) => [`${account.namespace}/${account.name}`, account]));
  const rendered = new Set<string>();
  for (const manifest of tree.manifests) {
    if (manifest.cluster !== plan.cluster || manifest.object.kind !== "ServiceAccount" || manifest.object.apiVersion !== "v1") continue;
    const metadata = manifest.object.metadata as { name: string; namespace?: string; annotations?: Record<string, unknown> };
    const id = `${metadata.namespace ?? "default"}/${metadata.name}`;
    const clientId = metadata.annotations?.[CLIENT_ID_ANNOTATION];
    const pendingMark = metadata.annotations?.[PENDING_IDENTITY_ANNOTATION];
    const account = byName.get(id);
    if (account) rendered.add(id);
    if (clientId === undefined && pendingMark === undefined && account === undefined) continue;
    problems.push(...checkAccount(manifest, plan, account, metadata.annotations ?? {}, outputsFile, synth));
  }
  for (const account of planned) {
    const id = `${account.namespace}/${account.name}`;
    if (rendered.has(id)) continue;
    problems.push({
      check: "identities",
      file: `${plan.cluster}/`,
      object: `ServiceAccount ${id}`,
      path: "",
      message: `identity ${JSON.stringify(account.identity)} is federated with system:serviceaccount:${account.namespace}:${account.name} (credential ${account.credential}), but the ServiceAccount is not rendered; run \`${synth}\``,
    });
  }
  return problems;
}

function checkAccount(manifest: Manifest, plan: ClusterIdentityPlan, account: PlannedServiceAccount | undefined, annotations: Record<string, unknown>, outputsFile: string, synth: string): ValidationProblem[] {
  const clientId = annotations[CLIENT_ID_ANNOTATION];
  const pendingMark = annotations[PENDING_IDENTITY_ANNOTATION];
  const tenantId = annotations[TENANT_ID_ANNOTATION];
  const metadata = manifest.object.metadata as { name: string; namespace?: string };
  const subject = `system:serviceaccount:${metadata.namespace ?? "default"}:${metadata.name}`;
  if (account === undefined) {
    if (clientId === undefined) {
      return [objectProblem("identities", manifest, annotationPath(PENDING_IDENTITY_ANNOTATION), `marked as waiting for identity ${JSON.stringify(pendingMark)}, but no identity of cluster ${plan.cluster} is federated with ${subject}; run \`${synth}\``)];
    }
    return [objectProblem("identities", manifest, annotationPath(CLIENT_ID_ANNOTATION), `annotated with client ID ${String(clientId)}, but no identity of cluster ${plan.cluster} is federated with ${subject}: its token exchange would fail (AADSTS70021); add it to the cluster's identities, or remove the annotation`)];
  }
  const problems: ValidationProblem[] = [];
  if (account.clientId === undefined) {
    // Pending: the identity has no outputs, so no client ID can be right yet (validate reports the pending identity itself).
    if (clientId !== undefined) {
      problems.push(objectProblem("identities", manifest, annotationPath(CLIENT_ID_ANNOTATION), `carries client ID ${String(clientId)}, but identity ${JSON.stringify(account.identity)} has no entry in ${outputsFile} (bootstrap apply has not created it): that client ID is not one Azure assigned; run \`${synth}\``));
    } else if (pendingMark !== account.identity) {
      problems.push(objectProblem("identities", manifest, annotationPath(PENDING_IDENTITY_ANNOTATION), `must be ${JSON.stringify(account.identity)}, the pending identity it is federated with, but ${pendingMark === undefined ? "the annotation is missing" : `it has ${String(pendingMark)}`}; run \`${synth}\``));
    }
  } else if (clientId !== account.clientId) {
    const got = clientId === undefined ? "the annotation is missing" : `it has ${String(clientId)}`;
    problems.push(objectProblem("identities", manifest, annotationPath(CLIENT_ID_ANNOTATION), `must be ${account.clientId}, the client ID of identity ${JSON.stringify(account.identity)} in ${outputsFile}, but ${got}; run \`${synth}\``));
  }
  if (tenantId !== undefined && String(tenantId).toLowerCase() !== plan.tenantId.toLowerCase()) {
    problems.push(objectProblem("identities", manifest, annotationPath(TENANT_ID_ANNOTATION), `must be the cluster's tenant ${plan.tenantId}, got ${String(tenantId)}; run \`${synth}\``));
  }
  return problems;
}

/**
 * ServiceAccounts a platform's chart creates (`platformServiceAccount` credentials) are annotated
 * through the platform's HelmRelease values (directory `platform-<platform>`), so those values must
 * carry the identity's current client ID; a stale one is an AADSTS70021 in production.
 */
function checkPlatformAccounts(tree: TreeView, plan: ClusterIdentityPlan, outputs: IdentityOutputs, outputsFile: string): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const synth = synthHint(tree);
  for (const identity of plan.identities) {
    const clientId = outputs.identities[identity.key]?.clientId;
    for (const credential of identity.federatedCredentials) {
      const account = credential.platformServiceAccount;
      if (account === undefined) continue;
      const dir = `platform-${account.platform.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
      const releases = tree.manifests.filter((manifest) => manifest.cluster === plan.cluster && manifest.dir === dir && manifest.object.kind === "HelmRelease");
      if (clientId === undefined) {
        // Pending: the release must say it waits for the identity (its values carry the marker, not a client ID).
        const marks = (release: Manifest) => String((release.object.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations?.[PENDING_IDENTITIES_ANNOTATION] ?? "").split(",");
        if (releases.some((release) => marks(release).includes(identity.key))) continue;
        problems.push({
          check: "identities",
          file: `${plan.cluster}/${dir}/`,
          object: `ServiceAccount ${account.namespace}/${account.name}`,
          path: "",
          message: `identity ${JSON.stringify(identity.key)} has no entry in ${outputsFile} (pending bootstrap apply), but no HelmRelease in ${dir}/ is annotated ${PENDING_IDENTITIES_ANNOTATION} with it; run \`${synth}\``,
        });
        continue;
      }
      if (releases.some((release) => JSON.stringify((release.object.spec as { values?: unknown } | undefined)?.values ?? {}).includes(`"${clientId}"`))) continue;
      problems.push({
        check: "identities",
        file: `${plan.cluster}/${dir}/`,
        object: `ServiceAccount ${account.namespace}/${account.name}`,
        path: "",
        message: `identity ${JSON.stringify(identity.key)} is federated with ${credential.subject} (credential ${credential.name}), created by the ${account.platform} chart, but no HelmRelease in ${dir}/ carries its client ID ${clientId} (${outputsFile}); run \`${synth}\``,
      });
    }
  }
  return problems;
}
