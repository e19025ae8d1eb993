import type { ArgoWorkflowsSpec } from "@flotilla/argo-workflows/model";
import type { PlatformIdentityRequirement } from "@flotilla/fleet/platform";
import type { MetaflowSpec } from "./spec.js";
import { METAFLOW_SERVICE_ACCOUNTS } from "./chart.js";

/** The identity of Metaflow's task pods: `id-<cluster>-metaflow`. */
export const METAFLOW_IDENTITY = "metaflow";

/** The identity of the UI backend: `id-<cluster>-metaflow-ui`. */
export const METAFLOW_UI_IDENTITY = "metaflow-ui";

/**
 * Workload identity instead of the reference's service principal secret, one identity per job:
 *
 * - `metaflow`: the task ServiceAccount `metaflow-tasks` in the Argo namespace (rendered by synth;
 *   flows run there as Argo Workflows). "Storage Blob Data Contributor" on the datastore
 *   container, and on Argo's artifact container because the Argo executor of those task pods
 *   archives their logs there.
 * - `metaflow-ui`: the UI backend's ServiceAccount `metaflow-ui` (rendered by synth, like the UI).
 *   It only reads runs' artifacts, logs and cards, so "Storage Blob Data Reader" on the datastore
 *   container only.
 */
export function metaflowIdentityRequirements(metaflow: MetaflowSpec, argo: ArgoWorkflowsSpec): PlatformIdentityRequirement[] {
  const containers = [metaflow.storage, argo.storage].filter(
    (storage, index, all) => all.findIndex((other) => JSON.stringify(other) === JSON.stringify(storage)) === index,
  );
  return [
    {
      platform: "metaflow",
      key: METAFLOW_IDENTITY,
      purpose: "Metaflow: datastore in Blob Storage",
      serviceAccounts: [],
      renderedServiceAccounts: [{ namespace: argo.namespace, name: METAFLOW_SERVICE_ACCOUNTS.tasks }],
      serviceAccountsField: "namespace",
      roles: containers.map((storage) => ({ role: "Storage Blob Data Contributor", scope: { storageContainer: { ...storage } } })),
    },
    {
      platform: "metaflow",
      key: METAFLOW_UI_IDENTITY,
      purpose: "Metaflow UI backend: reads the datastore",
      serviceAccounts: [],
      renderedServiceAccounts: [{ namespace: metaflow.namespace, name: METAFLOW_SERVICE_ACCOUNTS.ui }],
      serviceAccountsField: "namespace",
      roles: [{ role: "Storage Blob Data Reader", scope: { storageContainer: { ...metaflow.storage } } }],
    },
  ];
}
