import type { ArgoWorkflowsSpec } from "@flotilla/argo-workflows/model";
import type { PlatformWorkloads } from "@flotilla/fleet";
import type { MetaflowSpec } from "./spec.js";
import { METAFLOW_SERVICE_ACCOUNTS } from "./chart.js";

const USE_LABEL = "azure.workload.identity/use";

/**
 * What Metaflow (chart metaflow 0.1.2) runs that needs Azure. Sources: Metaflow's Azure docs
 * (the client and tasks use DefaultAzureCredential against the Blob datastore) and the
 * metaflow-tools charts (shared/charts/AZURE-NOTES.md).
 *
 * The metadata service keeps only metadata in PostgreSQL and needs no Azure. The UI (whose backend
 * would read artifacts and logs from the datastore) is not installed: helm-controller cannot
 * install the chart's UI subchart (see the package README).
 */
export function metaflowWorkloads(metaflow: MetaflowSpec, argo: ArgoWorkflowsSpec): PlatformWorkloads {
  const setting = (name: string, equals: string) => ({ configMap: { namespace: metaflow.namespace, name: "metaflow-config" }, key: "config.json", path: [name], equals });
  return {
    platform: "metaflow",
    azure: [],
    runTimePods: [
      {
        createdBy: "Argo Workflows, for flows deployed with `python flow.py argo-workflows create` (one pod per step)",
        namespace: argo.namespace,
        serviceAccount: METAFLOW_SERVICE_ACCOUNTS.tasks,
        labelledBy: setting("METAFLOW_KUBERNETES_LABELS", `${USE_LABEL}=true`),
        serviceAccountBy: setting("METAFLOW_KUBERNETES_SERVICE_ACCOUNT", METAFLOW_SERVICE_ACCOUNTS.tasks),
        reason: "flow steps read and write artifacts in the Azure Blob datastore",
      },
    ],
    runTimeObjects: [],
  };
}
