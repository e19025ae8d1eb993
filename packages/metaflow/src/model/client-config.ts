import type { ArgoWorkflowsSpec } from "@flotilla/argo-workflows/model";
import type { MetaflowSpec } from "./spec.js";
import { METAFLOW_CHART, METAFLOW_SERVICE_ACCOUNTS } from "./chart.js";
import { metaflowBlobEndpoint, metaflowSysroot } from "./values.js";

/**
 * The Metaflow client configuration for this cluster (`~/.metaflowconfig/config.json`): the Azure
 * datastore, the metadata service, and task pods on Argo Workflows running as the federated
 * `metaflow-tasks` ServiceAccount with the workload identity label (instead of
 * `METAFLOW_KUBERNETES_SECRETS` with a service principal secret).
 */
export function metaflowClientConfig(metaflow: MetaflowSpec, argo: ArgoWorkflowsSpec, podLabels: Readonly<Record<string, string>>): Record<string, string> {
  const service = `http://${METAFLOW_CHART.releaseName}-metaflow-service.${metaflow.namespace}:8080/`;
  return {
    METAFLOW_DEFAULT_DATASTORE: "azure",
    METAFLOW_DATASTORE_SYSROOT_AZURE: metaflowSysroot(metaflow),
    METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT: metaflowBlobEndpoint(metaflow),
    METAFLOW_DEFAULT_METADATA: "service",
    METAFLOW_SERVICE_URL: service,
    METAFLOW_SERVICE_INTERNAL_URL: service,
    METAFLOW_KUBERNETES_NAMESPACE: argo.namespace,
    METAFLOW_KUBERNETES_SERVICE_ACCOUNT: METAFLOW_SERVICE_ACCOUNTS.tasks,
    METAFLOW_KUBERNETES_LABELS: Object.entries(podLabels)
      .map(([key, value]) => `${key}=${value}`)
      .join(","),
    METAFLOW_ARGO_WORKFLOWS_KUBERNETES_NAMESPACE: argo.namespace,
  };
}
