import type { KubeObject } from "@flotilla/render";

/** A pod an object runs: its metadata and spec, and the path to them in the object. */
export interface PodTemplate {
  object: KubeObject;
  /** `.spec.template` (`.spec.jobTemplate.spec.template`, or "" for a Pod). */
  path: string;
  labels: Record<string, string>;
  spec: PodSpec;
}

export interface PodSpec {
  serviceAccountName?: string;
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  volumes?: Record<string, unknown>[];
  imagePullSecrets?: { name?: string }[];
}

export interface Container {
  name?: string;
  env?: { name?: string; valueFrom?: Record<string, unknown> }[];
  envFrom?: Record<string, unknown>[];
}

const TEMPLATE_PATHS: Record<string, string[]> = {
  Deployment: ["spec", "template"],
  StatefulSet: ["spec", "template"],
  DaemonSet: ["spec", "template"],
  ReplicaSet: ["spec", "template"],
  ReplicationController: ["spec", "template"],
  Job: ["spec", "template"],
  CronJob: ["spec", "jobTemplate", "spec", "template"],
  Pod: [],
};

/** The pod template of a workload object (apps/v1, batch/v1, core v1 Pod), or undefined. */
export function podTemplateOf(object: KubeObject): PodTemplate | undefined {
  const keys = TEMPLATE_PATHS[object.kind];
  if (keys === undefined) return undefined;
  let node: unknown = object;
  for (const key of keys) node = isRecord(node) ? node[key] : undefined;
  if (!isRecord(node) || !isRecord(node.spec)) return undefined;
  const metadata = isRecord(node.metadata) ? node.metadata : {};
  const labels = isRecord(metadata.labels) ? (metadata.labels as Record<string, string>) : {};
  return { object, path: keys.length === 0 ? "" : `.${keys.join(".")}`, labels, spec: node.spec as PodSpec };
}

/** The ServiceAccount a pod runs as (Kubernetes defaults an empty name to `default`). */
export function serviceAccountOf(spec: PodSpec): string {
  return spec.serviceAccountName || spec.serviceAccount || "default";
}

/** Every container of the pod with its path (`.spec.containers[name="x"]`). */
export function containersOf(template: PodTemplate): { container: Container; path: string }[] {
  const out: { container: Container; path: string }[] = [];
  for (const field of ["initContainers", "containers", "ephemeralContainers"] as const) {
    for (const container of template.spec[field] ?? []) {
      out.push({ container, path: `${template.path}.spec.${field}[name=${JSON.stringify(container.name ?? "")}]` });
    }
  }
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `Kind namespace/name` (or `Kind name` for cluster-scoped objects). */
export function objectLabel(object: KubeObject): string {
  const { namespace, name } = object.metadata ?? {};
  return `${object.kind} ${namespace ? `${namespace}/` : ""}${name ?? ""}`;
}

/** `namespace/name` of a HelmRelease. */
export function releaseLabel(helmRelease: KubeObject): string {
  return `${helmRelease.metadata?.namespace ?? ""}/${helmRelease.metadata?.name ?? ""}`;
}
