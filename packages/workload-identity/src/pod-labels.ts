import { type ApiObject, JsonPatch } from "cdk8s";

/**
 * The pod label that makes the Azure Workload Identity webhook inject the projected token and
 * the `AZURE_*` environment into a pod. It must be on the pod (template), not the ServiceAccount.
 */
export const USE_LABEL = "azure.workload.identity/use";

/** The ServiceAccount annotation naming the managed identity's client ID. */
export const CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id";

/** The ServiceAccount annotation naming the identity's tenant. */
export const TENANT_ID_ANNOTATION = "azure.workload.identity/tenant-id";

/**
 * The labels a pod template needs to use workload identity: `{ "azure.workload.identity/use":
 * "true" }`. Spread them into `spec.template.metadata.labels` of a workload, or into a Helm
 * chart's `podLabels` value. On a ServiceAccount they do nothing.
 */
export function workloadIdentityPodLabels(): { [USE_LABEL]: "true" } {
  return { [USE_LABEL]: "true" };
}

/** Where the pod template's labels are, per kind. */
const POD_TEMPLATE_PATHS: Record<string, readonly string[]> = {
  Deployment: ["spec", "template", "metadata", "labels"],
  StatefulSet: ["spec", "template", "metadata", "labels"],
  DaemonSet: ["spec", "template", "metadata", "labels"],
  ReplicaSet: ["spec", "template", "metadata", "labels"],
  Job: ["spec", "template", "metadata", "labels"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "metadata", "labels"],
};

function escape(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}

/**
 * Adds `azure.workload.identity/use: "true"` to the pods of a workload object: the pod template
 * of a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob (missing `metadata` and
 * `labels` objects are created), or the labels of a Pod. Throws for other kinds: for Helm
 * charts, put `workloadIdentityPodLabels()` in the chart's pod labels value instead.
 */
export function addWorkloadIdentityPodLabel(object: ApiObject): void {
  if (object.kind === "Pod") {
    object.metadata.addLabel(USE_LABEL, "true");
    return;
  }
  const path = POD_TEMPLATE_PATHS[object.kind];
  if (path === undefined) {
    const kinds = ["Pod", ...Object.keys(POD_TEMPLATE_PATHS)].join(", ");
    throw new Error(`addWorkloadIdentityPodLabel: ${object.kind} ${object.name} has no pod template (expected one of ${kinds})`);
  }
  // Create what is missing along the path, then set the label; computed against the object as it
  // is now (including earlier patches), so existing labels are kept.
  let current: unknown = object.toJson();
  const prefix: string[] = [];
  for (const segment of path) {
    const next = typeof current === "object" && current !== null ? (current as Record<string, unknown>)[segment] : undefined;
    if (next === undefined) {
      const rest = path.slice(prefix.length + 1);
      const value = rest.reduceRight<unknown>((inner, key) => ({ [key]: inner }), { [USE_LABEL]: "true" });
      object.addJsonPatch(JsonPatch.add(`/${[...prefix, segment].map(escape).join("/")}`, value));
      return;
    }
    prefix.push(segment);
    current = next;
  }
  object.addJsonPatch(JsonPatch.add(`/${[...path, USE_LABEL].map(escape).join("/")}`, "true"));
}
