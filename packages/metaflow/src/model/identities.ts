import type { ArgoWorkflowsSpec } from "@flotilla/argo-workflows/model";
import type { PlatformIdentityRequirement } from "@flotilla/fleet/platform";
import type { MetaflowSpec } from "./spec.js";
import { METAFLOW_SERVICE_ACCOUNTS } from "./chart.js";

/** The identity of Metaflow's task pods: `id-<cluster>-metaflow`. */
export const METAFLOW_IDENTITY = "metaflow";

/**
 * One identity instead of the reference's service principal secret, for the task ServiceAccount
 * `metaflow-tasks` in the Argo namespace (rendered by synth; flows run there as Argo Workflows).
 * The UI backend is not federated: the chart cannot label its pods (see the README). "Storage Blob Data
 * Contributor" on the datastore container, and on Argo's artifact container because the Argo
 * executor of those task pods archives their logs there.
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
  ];
}
