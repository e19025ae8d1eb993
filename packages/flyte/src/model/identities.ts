import type { PlatformIdentityRequirement } from "@flotilla/fleet/platform";
import type { FlyteSpec } from "./spec.js";

/** The identity of Flyte's control plane (flyteadmin, flytepropeller, datacatalog): `id-<cluster>-flyte-backend`. */
export const FLYTE_BACKEND_IDENTITY = "flyte-backend";
/** The identity of Flyte task pods (the `default` ServiceAccount of each `<project>-<domain>` namespace). */
export const FLYTE_TASKS_IDENTITY = "flyte-tasks";

/**
 * The chart's ServiceAccounts that reach Blob Storage and so carry the backend identity's client
 * ID. flytescheduler needs neither: its configuration has no storage (deploy-flyte labels it anyway,
 * but a labelled pod whose ServiceAccount has no client ID gets no usable identity).
 */
export const FLYTE_BACKEND_SERVICE_ACCOUNTS = ["flyteadmin", "flytepropeller", "datacatalog"] as const;
/** Components whose pods get the workload identity label: those whose ServiceAccount has the backend identity. */
export const FLYTE_LABELLED_COMPONENTS = FLYTE_BACKEND_SERVICE_ACCOUNTS;
/** The ServiceAccount task pods run as in each project-domain namespace (annotated by the cluster resource templates). */
export const FLYTE_TASK_SERVICE_ACCOUNT = "default";

/** The namespaces Flyte's cluster resource manager creates for task pods: `<project>-<domain>`, projects first. */
export function flyteTaskNamespaces(flyte: Pick<FlyteSpec, "projects" | "domains">): string[] {
  return flyte.projects.flatMap((project) => flyte.domains.map((domain) => `${project}-${domain}`));
}

/**
 * The managed identities Flyte needs, both with "Storage Blob Data Contributor" on the one
 * container (the reference deployment grants Owner on the whole account; flotilla uses the
 * narrowest scope): the backend identity for the control plane's ServiceAccounts, the tasks
 * identity for the `default` ServiceAccount of each project-domain namespace.
 */
export function flyteIdentityRequirements(flyte: FlyteSpec): PlatformIdentityRequirement[] {
  const roles = [{ role: "Storage Blob Data Contributor", scope: { storageContainer: { ...flyte.storage } } }];
  return [
    {
      platform: "flyte",
      key: FLYTE_BACKEND_IDENTITY,
      purpose: "Flyte control plane: metadata and raw data in Blob Storage",
      serviceAccounts: FLYTE_BACKEND_SERVICE_ACCOUNTS.map((name) => ({ namespace: flyte.namespace, name })),
      serviceAccountsField: "namespace",
      roles,
    },
    {
      platform: "flyte",
      key: FLYTE_TASKS_IDENTITY,
      purpose: "Flyte task pods: inputs and outputs in Blob Storage",
      serviceAccounts: flyteTaskNamespaces(flyte).map((namespace) => ({ namespace, name: FLYTE_TASK_SERVICE_ACCOUNT })),
      serviceAccountsField: "projects",
      roles,
    },
  ];
}
