import type { PlatformIdentityAnnotation } from "@flotilla/fleet/platform";
import { ARGO_DB_SECRET_KEYS, type ArgoWorkflowsSpec } from "./spec.js";
import { ARGO_SERVICE_ACCOUNTS } from "./chart.js";

/** Inputs of {@link argoWorkflowsValues}. */
export interface ArgoWorkflowsValuesProps {
  /** The validated `platforms.argoWorkflows` of the cluster. */
  readonly argo: ArgoWorkflowsSpec;
  /** The annotation binding the ServiceAccounts to the `argo-workflows` identity (its client ID, or the pending marker). */
  readonly identity: PlatformIdentityAnnotation;
  /** The workload identity pod labels (`azure.workload.identity/use: "true"`). */
  readonly podLabels: Readonly<Record<string, string>>;
  /**
   * Other ServiceAccounts workflows run as (e.g. Metaflow's `metaflow-tasks`): bound to the
   * workflow Role so their executors can report results (`workflow.rbac.serviceAccounts`).
   * @default []
   */
  readonly extraWorkflowServiceAccounts?: readonly { readonly namespace: string; readonly name: string }[];
}

/**
 * argo-workflows 0.47.5 values for Azure (see ../shared/charts/AZURE-NOTES.md): the artifact
 * repository on Blob Storage with SDK credentials (workload identity, no keys, logs archived),
 * the identity on the controller, server and workflow ServiceAccounts (the latter created in each
 * workflow namespace) with the pod label on their pods (workflow pods through the controller's
 * workflow defaults), and the workflow archive on PostgreSQL with `sslMode: require` and the
 * credentials from the SOPS-encrypted Secret.
 */
export function argoWorkflowsValues(props: ArgoWorkflowsValuesProps): Record<string, unknown> {
  const { argo } = props;
  const podLabels = { ...props.podLabels };
  const serviceAccount = (name: string, create = true) => ({ create, name, annotations: { [props.identity.key]: props.identity.value } });
  return {
    workflow: {
      serviceAccount: serviceAccount(ARGO_SERVICE_ACCOUNTS.workflow),
      ...(props.extraWorkflowServiceAccounts?.length
        ? { rbac: { serviceAccounts: props.extraWorkflowServiceAccounts.map(({ namespace, name }) => ({ name, namespace })) } }
        : {}),
    },
    controller: {
      serviceAccount: serviceAccount(ARGO_SERVICE_ACCOUNTS.controller),
      podLabels,
      workflowNamespaces: [...argo.workflowNamespaces],
      // Every workflow pod runs as the federated ServiceAccount with the label the webhook needs.
      workflowDefaults: { spec: { serviceAccountName: ARGO_SERVICE_ACCOUNTS.workflow, podMetadata: { labels: podLabels } } },
      persistence: {
        archive: true,
        postgresql: {
          host: argo.database.host,
          port: 5432,
          database: argo.database.database,
          tableName: "argo_workflows",
          userNameSecret: { name: argo.database.passwordSecret, key: ARGO_DB_SECRET_KEYS.username },
          passwordSecret: { name: argo.database.passwordSecret, key: ARGO_DB_SECRET_KEYS.password },
          ssl: true,
          sslMode: "require",
        },
      },
    },
    server: { serviceAccount: serviceAccount(ARGO_SERVICE_ACCOUNTS.server), podLabels },
    artifactRepository: {
      archiveLogs: true,
      azure: {
        endpoint: `https://${argo.storage.account}.blob.core.windows.net`,
        container: argo.storage.container,
        useSDKCreds: true,
      },
    },
  };
}
