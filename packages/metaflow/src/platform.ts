import { ARGO_WORKFLOWS_KEY, type ArgoWorkflowsContribution, type ArgoWorkflowsSpec } from "@flotilla/argo-workflows";
import type { ClusterSpec } from "@flotilla/fleet";
import type { Platform, SchemaOutput } from "@flotilla/fleet/platform";
import { Metaflow } from "./metaflow.js";
import { METAFLOW_CHART, METAFLOW_SERVICE_ACCOUNTS } from "./model/chart.js";
import { metaflowIdentityRequirements } from "./model/identities.js";
import { metaflowWorkloads } from "./model/workloads.js";
import { METAFLOW_DEFAULTS, metaflowDefaults, metaflowSecrets, type MetaflowSpec, metaflowSpecSchema } from "./model/spec.js";

/** The cluster's Argo Workflows, which Metaflow requires (the fleet schema checks it is enabled). */
function argoOf(cluster: ClusterSpec): ArgoWorkflowsSpec {
  const argo = cluster.platforms.argoWorkflows;
  if (argo === undefined) throw new Error(`cluster ${cluster.name}: platforms.metaflow needs platforms.argoWorkflows`);
  return argo;
}

/**
 * Metaflow as a flotilla platform (`platforms.metaflow`), registered in `@flotilla/platforms`
 * after Argo Workflows: flows run (and are scheduled) as Argo Workflows, so Metaflow requires it,
 * its layer waits for Argo's, and its task ServiceAccount joins Argo's workflow ServiceAccounts.
 */
export const metaflowPlatform: Platform<MetaflowSpec, never, SchemaOutput<typeof metaflowSpecSchema>> = {
  key: "metaflow",
  name: "metaflow",
  title: "Metaflow",
  spec: {
    schema: metaflowSpecSchema,
    defaultNamespace: METAFLOW_DEFAULTS.namespace,
    defaults: metaflowDefaults,
    secrets: metaflowSecrets,
  },
  requires: [{ platform: ARGO_WORKFLOWS_KEY, reason: "Metaflow runs its flows (and @schedule) on Argo Workflows" }],
  chart: METAFLOW_CHART,
  identities: (metaflow, cluster) => metaflowIdentityRequirements(metaflow, argoOf(cluster)),
  contributions(_metaflow, cluster) {
    // Metaflow's task pods run as their own federated ServiceAccount in the Argo namespace.
    const contribution: ArgoWorkflowsContribution = { workflowServiceAccount: { namespace: argoOf(cluster).namespace, name: METAFLOW_SERVICE_ACCOUNTS.tasks } };
    return { [ARGO_WORKFLOWS_KEY]: [contribution] };
  },
  workloads: (metaflow, cluster) => metaflowWorkloads(metaflow, argoOf(cluster)),
  render: (scope, { spec: metaflow, cluster, podLabels, values }) => new Metaflow(scope, "metaflow", { metaflow, argo: argoOf(cluster), podLabels, values }),
};
