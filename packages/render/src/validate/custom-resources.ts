import { apiVersionOf, gvkKey, type GroupVersionKind } from "./group-version-kind.js";
import { isRecord } from "./records.js";

export interface CustomResourceVersion {
  crdName: string;
  /** spec.versions[].schema.openAPIV3Schema; undefined when the CRD declares none. */
  openApiSchema: unknown;
}

export interface CustomResourceIndex {
  /** The schema of a served version, by gvkKey. */
  served: Map<string, CustomResourceVersion>;
  /** "group kind" -> CRD name and served versions, to explain a wrong apiVersion. */
  servedVersionsByGroupKind: Map<string, { crdName: string; versions: string[] }>;
}

export function groupKindKey(group: string, kind: string): string {
  return `${group} ${kind}`;
}

/** Indexes the served versions of the CRDs; schemas are left untouched until first use. */
export function indexCustomResources(crds: readonly unknown[]): CustomResourceIndex {
  const index: CustomResourceIndex = { served: new Map(), servedVersionsByGroupKind: new Map() };
  crds.forEach((crd, position) => {
    if (crd === null || crd === undefined) return; // empty YAML documents
    const { crdName, group, kind, versions } = readCustomResourceDefinition(crd, position);
    const servedVersions: string[] = [];
    for (const version of versions) {
      if (version.served !== true || typeof version.name !== "string") continue;
      servedVersions.push(version.name);
      const gvk: GroupVersionKind = { apiVersion: apiVersionOf(group, version.name), kind };
      const openApiSchema = isRecord(version.schema) ? version.schema.openAPIV3Schema : undefined;
      index.served.set(gvkKey(gvk), { crdName, openApiSchema });
    }
    index.servedVersionsByGroupKind.set(groupKindKey(group, kind), { crdName, versions: servedVersions });
  });
  return index;
}

function readCustomResourceDefinition(crd: unknown, position: number) {
  const spec = isRecord(crd) && crd.kind === "CustomResourceDefinition" ? crd.spec : undefined;
  const names = isRecord(spec) ? spec.names : undefined;
  if (!isRecord(spec) || !isRecord(names) || typeof spec.group !== "string" || typeof names.kind !== "string" || !Array.isArray(spec.versions)) {
    throw new Error(`crds[${position}] is not an apiextensions.k8s.io/v1 CustomResourceDefinition with spec.group, spec.names.kind and spec.versions`);
  }
  const metadata = isRecord(crd) ? crd.metadata : undefined;
  const crdName = isRecord(metadata) && typeof metadata.name === "string" ? metadata.name : `${names.kind} (${spec.group})`;
  const versions = spec.versions.filter(isRecord);
  return { crdName, group: spec.group, kind: names.kind, versions };
}
