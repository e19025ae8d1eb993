import type { PlatformIdentityRequirement } from "@flotilla/fleet/platform";
import type { ArgoWorkflowsSpec } from "./spec.js";
import { ARGO_SERVICE_ACCOUNTS } from "./chart.js";

/** The identity of Argo Workflows (controller, server, workflow pods): `id-<cluster>-argo-workflows`. */
export const ARGO_WORKFLOWS_IDENTITY = "argo-workflows";

/**
 * One identity with "Storage Blob Data Contributor" on the artifact container: the controller
 * (artifact GC, archived logs), the server (artifact downloads in the UI) and the workflow
 * ServiceAccount of each workflow namespace (the executor's wait container uploads outputs).
 */
export function argoWorkflowsIdentityRequirements(argo: ArgoWorkflowsSpec): PlatformIdentityRequirement[] {
  return [
    {
      platform: "argoWorkflows",
      key: ARGO_WORKFLOWS_IDENTITY,
      purpose: "Argo Workflows: artifacts in Blob Storage",
      serviceAccounts: [
        { namespace: argo.namespace, name: ARGO_SERVICE_ACCOUNTS.controller },
        { namespace: argo.namespace, name: ARGO_SERVICE_ACCOUNTS.server },
        ...argo.workflowNamespaces.map((namespace) => ({ namespace, name: ARGO_SERVICE_ACCOUNTS.workflow })),
      ],
      serviceAccountsField: "workflowNamespaces",
      roles: [{ role: "Storage Blob Data Contributor", scope: { storageContainer: { ...argo.storage } } }],
    },
  ];
}
