import type { PlatformWorkloads } from "@flotilla/fleet";
import type { FlyteSpec } from "./spec.js";
import { FLYTE_TASK_SERVICE_ACCOUNT, flyteTaskNamespaces } from "./identities.js";

const USE_LABEL = "azure.workload.identity/use";

/**
 * What Flyte (flyte-core) runs that needs Azure, and what its programs create at run time.
 * Sources: the flyte-core chart's templates and the reference AKS deployment (unionai-oss/deploy-flyte
 * `environments/azure/flyte-core`, summarised in shared/charts/AZURE-NOTES.md), Flyte's docs
 * "Deployment → Configuring storage" and "cluster resources".
 */
export function flyteWorkloads(flyte: FlyteSpec): PlatformWorkloads {
  const namespace = flyte.namespace;
  return {
    platform: "flyte",
    azure: [
      { kind: "Deployment", namespace, name: "flyteadmin", reason: "reads and writes workflow metadata and signs download URLs in Blob Storage (storage.yaml, stow kind azure)" },
      { kind: "Deployment", namespace, name: "flytepropeller", reason: "reads and writes task inputs, outputs and metadata in Blob Storage (rawoutput-prefix abfs://…)" },
      { kind: "Deployment", namespace, name: "datacatalog", reason: "stores cached artifact metadata in Blob Storage (storage.yaml)" },
    ],
    runTimePods: flyteTaskNamespaces(flyte).map((taskNamespace) => ({
      createdBy: "flytepropeller (one pod per task)",
      namespace: taskNamespace,
      serviceAccount: FLYTE_TASK_SERVICE_ACCOUNT,
      labelledBy: { configMap: { namespace, name: "flyte-propeller-config" }, key: "k8s.yaml", path: ["plugins", "k8s", "default-labels", USE_LABEL], equals: "true" },
      reason: "task pods read their inputs from and write their outputs to Blob Storage (flytekit's abfs:// data persistence)",
    })),
    runTimeObjects: flyteTaskNamespaces(flyte).map((taskNamespace) => ({
      kind: "ServiceAccount" as const,
      namespace: taskNamespace,
      name: FLYTE_TASK_SERVICE_ACCOUNT,
      createdBy: "flyte cluster resource sync (template aab_default_service_account)",
      reason: "each project-domain namespace and its annotated default ServiceAccount are created by the cluster resource manager when the project exists",
    })),
  };
}
