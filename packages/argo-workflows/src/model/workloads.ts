import type { PlatformWorkloads } from "@flotilla/fleet";
import type { ArgoWorkflowsSpec } from "./spec.js";
import { ARGO_SERVICE_ACCOUNTS } from "./chart.js";

const USE_LABEL = "azure.workload.identity/use";
const CONTROLLER_CONFIG = "argo-workflows-workflow-controller-configmap";

/**
 * What Argo Workflows (chart argo-workflows 0.47.5, v3.7) runs that needs Azure. Sources: Argo's
 * "Configuring Azure Blob Storage" (useSDKCreds: the executor and the server use the Azure SDK's
 * DefaultAzureCredential, i.e. workload identity) and the chart's templates.
 */
export function argoWorkflowsWorkloads(argo: ArgoWorkflowsSpec): PlatformWorkloads {
  const namespace = argo.namespace;
  const setting = (path: string[], equals: string) => ({ configMap: { namespace, name: CONTROLLER_CONFIG }, key: "config", path, equals });
  return {
    platform: "argoWorkflows",
    azure: [
      { kind: "Deployment", namespace, name: "argo-workflows-server", reason: "the UI and API read artifacts and archived logs from the Blob Storage artifact repository" },
    ],
    runTimePods: argo.workflowNamespaces.map((workflowNamespace) => ({
      createdBy: "the workflow controller (one pod per workflow step)",
      namespace: workflowNamespace,
      serviceAccount: ARGO_SERVICE_ACCOUNTS.workflow,
      labelledBy: setting(["workflowDefaults", "spec", "podMetadata", "labels", USE_LABEL], "true"),
      serviceAccountBy: setting(["workflowDefaults", "spec", "serviceAccountName"], ARGO_SERVICE_ACCOUNTS.workflow),
      reason: "the executor (init and wait containers) downloads input artifacts and uploads outputs and logs to Blob Storage",
    })),
    runTimeObjects: [],
  };
}
