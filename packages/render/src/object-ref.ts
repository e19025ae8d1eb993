/** The fields of a Kubernetes object that identify it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export function isKubeObject(value: unknown): value is KubeObject {
  if (value === null || typeof value !== "object") return false;
  const { apiVersion, kind, metadata } = value as Record<string, unknown>;
  return (
    typeof apiVersion === "string" &&
    typeof kind === "string" &&
    metadata !== null &&
    typeof metadata === "object" &&
    typeof (metadata as Record<string, unknown>).name === "string"
  );
}

/** `Kind namespace/name` (or `Kind name` when cluster-scoped), as shown in messages. */
export function describeObject(object: KubeObject): string {
  const { name, namespace } = object.metadata;
  return `${object.kind} ${namespace ? `${namespace}/` : ""}${name}`;
}

/** The identity the API server uses: group, kind, namespace and name (the version does not count). */
export function objectKey(object: KubeObject): string {
  const group = object.apiVersion.includes("/") ? object.apiVersion.split("/")[0] : "";
  return [group, object.kind, object.metadata.namespace ?? "", object.metadata.name].join("|");
}

/**
 * `<kind>_<namespace>_<name>.yaml`, or `<kind>_<name>.yaml` when cluster-scoped. Kinds, namespaces
 * and names never contain `_`, so the parts cannot run into each other.
 */
export function fileNameFor(object: KubeObject): string {
  const parts = [object.kind.toLowerCase(), object.metadata.namespace, object.metadata.name.replaceAll(":", "-")];
  return `${parts.filter(Boolean).join("_")}.yaml`;
}
