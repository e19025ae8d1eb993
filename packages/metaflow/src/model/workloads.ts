import type { ArgoWorkflowsSpec } from "@flotilla/argo-workflows/model";
import type { PlatformWorkloads } from "@flotilla/fleet";
import type { MetaflowSpec } from "./spec.js";
import { METAFLOW_SERVICE_ACCOUNTS } from "./chart.js";
import { METAFLOW_UI } from "./ui.js";

const USE_LABEL = "azure.workload.identity/use";

/**
 * What Metaflow (chart metaflow 0.1.2, and the UI flotilla renders in its place) runs that needs
 * Azure. Sources: Metaflow's Azure docs (the client and tasks use DefaultAzureCredential against
 * the Blob datastore), the metaflow-tools charts and Azure Terraform (shared/charts/AZURE-NOTES.md).
 *
 * - The UI backend reads artifacts, logs and cards from the datastore: metaflow-service's
 *   `services/ui_backend_service/requirements.txt` pins azure-identity and azure-storage-blob,
 *   and metaflow-tools' `azure/terraform/services/metaflow_ui_backend_service.tf` gives it the
 *   Azure datastore settings and Azure credentials.
 * - The metadata service keeps only metadata in PostgreSQL and needs no Azure; the static UI only
 *   serves files to the browser.
 */
export function metaflowWorkloads(metaflow: MetaflowSpec, argo: ArgoWorkflowsSpec): PlatformWorkloads {
  const setting = (name: string, equals: string) => ({ configMap: { namespace: metaflow.namespace, name: "metaflow-config" }, key: "config.json", path: [name], equals });
  return {
    platform: "metaflow",
    azure: [
      {
        kind: "Deployment",
        namespace: metaflow.namespace,
        name: METAFLOW_UI.backend,
        reason: "the UI backend reads runs' artifacts, logs and cards from the Azure Blob datastore (azure-identity, azure-storage-blob in metaflow-service's ui_backend_service)",
      },
    ],
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
