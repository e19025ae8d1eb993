import type { ClusterObjects } from "./cluster-objects.js";
import { containersOf, isRecord, objectLabel, type PodTemplate, serviceAccountOf } from "./pod-templates.js";
import type { RenderedCluster, RenderedProblem } from "./types.js";

type ReferencedKind = "Secret" | "ConfigMap" | "ServiceAccount" | "PersistentVolumeClaim";

interface Reference {
  kind: ReferencedKind;
  name: string;
  path: string;
  /** A key the pod reads (secretKeyRef/configMapKeyRef). */
  key?: string;
}

/**
 * Every Secret, ConfigMap, ServiceAccount and PersistentVolumeClaim a pod uses exists in its
 * namespace: rendered by flotilla or by a chart, or declared by a platform as created at run time.
 * References marked `optional: true` are skipped, as the kubelet skips them; `default` exists in
 * every namespace. A key read from a rendered Secret or ConfigMap with data must be in it.
 */
export function checkReferences(cluster: RenderedCluster, objects: ClusterObjects, secretSet: string): RenderedProblem[] {
  const problems: RenderedProblem[] = [];
  for (const pod of objects.pods) {
    const namespace = pod.object.metadata.namespace ?? "";
    for (const reference of referencesOf(pod)) {
      const label = `${reference.kind} ${namespace}/${reference.name}`;
      if (reference.kind === "ServiceAccount" && reference.name === "default") continue;
      if (objects.runTime.has(label)) continue;
      const target = objects.byLabel.get(label);
      const where = pod.release === "" ? `flotilla's ${objectLabel(pod.object)}` : objectLabel(pod.object);
      if (target === undefined) {
        problems.push({
          check: "references",
          cluster: cluster.cluster,
          release: pod.release,
          object: objectLabel(pod.object),
          path: reference.path,
          message: `${where} uses ${label}, which nothing creates: no chart or flotilla renders it and no platform declares it as created at run time. ${fixFor(reference.kind, namespace, reference.name, cluster.source, secretSet)}`,
        });
        continue;
      }
      if (reference.key === undefined) continue;
      const data = { ...(isRecord(target.object.data) ? target.object.data : {}), ...(isRecord(target.object.stringData) ? target.object.stringData : {}) };
      if (Object.keys(data).length > 0 && !(reference.key in data)) {
        problems.push({
          check: "references",
          cluster: cluster.cluster,
          release: pod.release,
          object: objectLabel(pod.object),
          path: reference.path,
          message: `${where} reads key ${JSON.stringify(reference.key)} of ${label}, which has only ${Object.keys(data).sort().join(", ")}: add the key (for a SOPS Secret: ${secretSet}) or read one it has`,
        });
      }
    }
  }
  return problems;
}

function fixFor(kind: ReferencedKind, namespace: string, name: string, source: string, secretSet: string): string {
  if (kind === "Secret") return `Create it as a SOPS Secret (add { namespace: "${namespace}", name: "${name}" } to secrets in ${source} and ${secretSet}), or change the values that name it`;
  if (kind === "ServiceAccount") return `Let the chart create it (serviceAccount.create in the platform's values) or declare it in ${source}`;
  return `Change the values in ${source} that name it, or create it`;
}

function referencesOf(pod: PodTemplate): Reference[] {
  const references: Reference[] = [];
  const spec = `${pod.path}.spec`;
  const accountField = pod.spec.serviceAccountName ? "serviceAccountName" : "serviceAccount";
  references.push({ kind: "ServiceAccount", name: serviceAccountOf(pod.spec), path: `${spec}.${accountField}` });
  for (const [index, secret] of (pod.spec.imagePullSecrets ?? []).entries()) {
    if (secret.name) references.push({ kind: "Secret", name: secret.name, path: `${spec}.imagePullSecrets[${index}]` });
  }
  for (const volume of pod.spec.volumes ?? []) {
    const path = `${spec}.volumes[name=${JSON.stringify(volume.name ?? "")}]`;
    const secret = volume.secret as { secretName?: string; optional?: boolean } | undefined;
    if (secret?.secretName && !secret.optional) references.push({ kind: "Secret", name: secret.secretName, path: `${path}.secret.secretName` });
    const configMap = volume.configMap as { name?: string; optional?: boolean } | undefined;
    if (configMap?.name && !configMap.optional) references.push({ kind: "ConfigMap", name: configMap.name, path: `${path}.configMap.name` });
    const claim = volume.persistentVolumeClaim as { claimName?: string } | undefined;
    if (claim?.claimName) references.push({ kind: "PersistentVolumeClaim", name: claim.claimName, path: `${path}.persistentVolumeClaim.claimName` });
    const sources = ((volume.projected as { sources?: Record<string, { name?: string; optional?: boolean }>[] } | undefined)?.sources ?? []);
    sources.forEach((source, index) => {
      if (source.secret?.name && !source.secret.optional) references.push({ kind: "Secret", name: source.secret.name, path: `${path}.projected.sources[${index}].secret.name` });
      if (source.configMap?.name && !source.configMap.optional) references.push({ kind: "ConfigMap", name: source.configMap.name, path: `${path}.projected.sources[${index}].configMap.name` });
    });
  }
  for (const { container, path } of containersOf(pod)) {
    for (const env of container.env ?? []) {
      const from = env.valueFrom as { secretKeyRef?: KeyRef; configMapKeyRef?: KeyRef } | undefined;
      const envPath = `${path}.env[name=${JSON.stringify(env.name ?? "")}].valueFrom`;
      if (from?.secretKeyRef?.name && !from.secretKeyRef.optional) references.push({ kind: "Secret", name: from.secretKeyRef.name, key: from.secretKeyRef.key, path: `${envPath}.secretKeyRef` });
      if (from?.configMapKeyRef?.name && !from.configMapKeyRef.optional) references.push({ kind: "ConfigMap", name: from.configMapKeyRef.name, key: from.configMapKeyRef.key, path: `${envPath}.configMapKeyRef` });
    }
    (container.envFrom ?? []).forEach((source, index) => {
      const ref = source as { secretRef?: KeyRef; configMapRef?: KeyRef };
      if (ref.secretRef?.name && !ref.secretRef.optional) references.push({ kind: "Secret", name: ref.secretRef.name, path: `${path}.envFrom[${index}].secretRef` });
      if (ref.configMapRef?.name && !ref.configMapRef.optional) references.push({ kind: "ConfigMap", name: ref.configMapRef.name, path: `${path}.envFrom[${index}].configMapRef` });
    });
  }
  return references;
}

interface KeyRef {
  name?: string;
  key?: string;
  optional?: boolean;
}
