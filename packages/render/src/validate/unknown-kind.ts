import { groupKindKey, type CustomResourceIndex } from "./custom-resources.js";
import type { GroupVersionKind } from "./group-version-kind.js";
import type { KubernetesSchema } from "./kubernetes-schema.js";

/** Explains why no schema is known for an apiVersion/kind, pointing at the served versions if any. */
export function describeUnknownKind(
  gvk: GroupVersionKind,
  customResources: CustomResourceIndex,
  kubernetes: KubernetesSchema,
): string {
  const subject = `no schema is known for ${gvk.apiVersion} ${gvk.kind}`;
  const group = gvk.apiVersion.includes("/") ? gvk.apiVersion.slice(0, gvk.apiVersion.lastIndexOf("/")) : "";
  const crd = customResources.servedVersionsByGroupKind.get(groupKindKey(group, gvk.kind));
  if (crd) {
    const served = crd.versions.length > 0 ? crd.versions.join(", ") : "no version";
    return `${subject}: the vendored CRD ${crd.crdName} serves ${served}, not this version`;
  }
  const coreApiVersions = Object.entries(kubernetes.kinds)
    .filter(([, kinds]) => Object.hasOwn(kinds, gvk.kind))
    .map(([apiVersion]) => apiVersion);
  if (coreApiVersions.length > 0) {
    return `${subject}: Kubernetes ${kubernetes.version} knows ${gvk.kind} only as ${coreApiVersions.join(", ")} (or vendor a CRD that serves it)`;
  }
  return `${subject}: it is not a Kubernetes ${kubernetes.version} core kind, so its CustomResourceDefinition must be vendored and passed to createValidator`;
}
