import type { PlatformIdentityAnnotation } from "@flotilla/fleet/platform";
import type { FlyteSpec } from "./spec.js";
import { FLYTE_DB_PASSWORD_PATH } from "./chart.js";
import { FLYTE_BACKEND_SERVICE_ACCOUNTS, FLYTE_LABELLED_COMPONENTS, FLYTE_TASK_SERVICE_ACCOUNT } from "./identities.js";

/** A toleration as a pod spec writes it (`PodToleration` of `@flotilla/karpenter/model`). */
export interface FlyteToleration {
  readonly key: string;
  readonly operator: "Equal" | "Exists";
  readonly value?: string;
  readonly effect: string;
}

/** The extended resource that marks a GPU task pod (flytepropeller's `gpu-resource-name`). */
export const FLYTE_GPU_RESOURCE = "nvidia.com/gpu";

/** Inputs of {@link flyteValues}. */
export interface FlyteValuesProps {
  /** The validated `platforms.flyte` of the cluster. */
  readonly flyte: FlyteSpec;
  /** The annotation binding the backend's ServiceAccounts to `flyte-backend` (its client ID, or the pending marker). */
  readonly backendIdentity: PlatformIdentityAnnotation;
  /** The annotation binding each task namespace's `default` ServiceAccount to `flyte-tasks`. */
  readonly tasksIdentity: PlatformIdentityAnnotation;
  /** The workload identity pod labels (`azure.workload.identity/use: "true"`). */
  readonly podLabels: Readonly<Record<string, string>>;
  /**
   * The tolerations of `flyte.gpuNodePool` (`podSchedulingFor(pool).tolerations`): flytepropeller
   * adds them to every task pod requesting `nvidia.com/gpu` (`resource-tolerations`).
   * @default - none (GPU task pods tolerate no pool taint)
   */
  readonly gpuTolerations?: readonly FlyteToleration[] | undefined;
}

/**
 * The flyte-core values for Azure, as unionai-oss/deploy-flyte's AKS values (see
 * ../shared/charts/AZURE-NOTES.md) but derived from the spec: Blob Storage through stow with
 * workload identity (no keys), PostgreSQL with `sslmode=require` and the password from the
 * SOPS-encrypted Secret, the backend identity and the pod label on flyteadmin, flytepropeller and
 * datacatalog (flytescheduler needs no Azure: its config has no storage), and the task identity on the `default` ServiceAccount of
 * each project-domain namespace (cluster resource templates) with task-pod default labels and env.
 */
export function flyteValues(props: FlyteValuesProps): Record<string, unknown> {
  const { flyte, backendIdentity, tasksIdentity } = props;
  const podLabels = { ...props.podLabels };
  const component = (name: string): Record<string, unknown> => ({
    ...(FLYTE_BACKEND_SERVICE_ACCOUNTS.includes(name as (typeof FLYTE_BACKEND_SERVICE_ACCOUNTS)[number])
      ? { serviceAccount: { create: true, annotations: { [backendIdentity.key]: backendIdentity.value } } }
      : {}),
    ...(FLYTE_LABELLED_COMPONENTS.includes(name as (typeof FLYTE_LABELLED_COMPONENTS)[number]) ? { podLabels } : {}),
  });
  const database = {
    port: 5432,
    username: flyte.database.username,
    host: flyte.database.host,
    dbname: flyte.database.database,
    options: "sslmode=require",
    passwordPath: FLYTE_DB_PASSWORD_PATH,
  };
  return {
    flyteadmin: { ...component("flyteadmin"), initialProjects: [...flyte.projects] },
    flytepropeller: component("flytepropeller"),
    datacatalog: component("datacatalog"),
    // The Secret is SOPS-encrypted in Git (key pass.txt); the chart only mounts it.
    common: { databaseSecret: { name: flyte.database.passwordSecret, secretManifest: {} } },
    storage: {
      type: "custom",
      // The chart writes `enable-multicontainer` after storage.custom from this value: setting it
      // inside custom as well wrote the key twice, and Flyte read the chart's `false`.
      enableMultiContainer: true,
      custom: {
        container: flyte.storage.container,
        connection: {},
        type: "stow",
        stow: { kind: "azure", config: { account: flyte.storage.account } },
      },
    },
    db: { admin: { database }, datacatalog: { database } },
    configmap: {
      domain: { domains: flyte.domains.map((domain) => ({ id: domain, name: domain })) },
      core: { propeller: { "rawoutput-prefix": `abfs://${flyte.storage.container}/propeller` } },
      k8s: {
        plugins: {
          k8s: {
            "default-labels": podLabels,
            "default-env-vars": [{ AZURE_STORAGE_ACCOUNT_NAME: flyte.storage.account }],
            // GPU tasks onto the gpuNodePool: its taints tolerated by pods requesting nvidia.com/gpu.
            ...(props.gpuTolerations === undefined
              ? {}
              : { "resource-tolerations": { [FLYTE_GPU_RESOURCE]: props.gpuTolerations.map((toleration) => ({ ...toleration })) } }),
          },
        },
      },
    },
    cluster_resource_manager: {
      enabled: true,
      config: {
        cluster_resources: {
          // Replaces the chart's quota data, so the quota template goes too (see templates).
          customData: flyte.domains.map((domain) => ({ [domain]: [{ WIClientId: { value: tasksIdentity.value } }] })),
        },
      },
      templates: [
        {
          key: "aa_namespace",
          value: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {{ namespace }}\nspec:\n  finalizers:\n  - kubernetes\n",
        },
        {
          key: "aab_default_service_account",
          value: [
            "apiVersion: v1",
            "kind: ServiceAccount",
            "metadata:",
            `  name: ${FLYTE_TASK_SERVICE_ACCOUNT}`,
            "  namespace: {{ namespace }}",
            "  annotations:",
            `    ${tasksIdentity.key}: {{ WIClientId }}`,
            "",
          ].join("\n"),
        },
      ],
    },
    workflow_scheduler: { enabled: true, type: "native" },
  };
}
