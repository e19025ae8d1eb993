import type { Platform, SchemaOutput } from "@flotilla/fleet/platform";
import { ArgoWorkflows } from "./argo-workflows.js";
import { ARGO_WORKFLOWS_CHART } from "./model/chart.js";
import { ARGO_WORKFLOWS_IDENTITY, argoWorkflowsIdentityRequirements } from "./model/identities.js";
import { argoWorkflowsWorkloads } from "./model/workloads.js";
import {
  ARGO_WORKFLOWS_DEFAULTS,
  ARGO_WORKFLOWS_KEY,
  argoWorkflowsDefaults,
  argoWorkflowsSecrets,
  type ArgoWorkflowsSpec,
  argoWorkflowsSpecSchema,
  checkArgoWorkflowsSpec,
} from "./model/spec.js";

/**
 * What another platform contributes to Argo Workflows (see `Platform.contributions`): a
 * ServiceAccount its workflows run as, bound to the workflow Role so their executors can report
 * results (`workflow.rbac.serviceAccounts`), e.g. Metaflow's task ServiceAccount.
 */
export interface ArgoWorkflowsContribution {
  readonly workflowServiceAccount: { readonly namespace: string; readonly name: string };
}

/** Argo Workflows as a flotilla platform (`platforms.argoWorkflows`), registered in `@flotilla/platforms`. */
export const argoWorkflowsPlatform: Platform<ArgoWorkflowsSpec, ArgoWorkflowsContribution, SchemaOutput<typeof argoWorkflowsSpecSchema>> = {
  key: ARGO_WORKFLOWS_KEY,
  name: "argo-workflows",
  title: "Argo Workflows",
  spec: {
    schema: argoWorkflowsSpecSchema,
    defaultNamespace: ARGO_WORKFLOWS_DEFAULTS.namespace,
    defaults: argoWorkflowsDefaults,
    secrets: argoWorkflowsSecrets,
    check: checkArgoWorkflowsSpec,
  },
  chart: ARGO_WORKFLOWS_CHART,
  identities: (argo) => argoWorkflowsIdentityRequirements(argo),
  workloads: (argo) => argoWorkflowsWorkloads(argo),
  render: (scope, { spec: argo, identityAnnotation, podLabels, contributions }) =>
    new ArgoWorkflows(scope, "argo-workflows", {
      argo,
      identity: identityAnnotation(ARGO_WORKFLOWS_IDENTITY),
      podLabels,
      extraWorkflowServiceAccounts: contributions.map((contribution) => contribution.workflowServiceAccount),
    }),
};
