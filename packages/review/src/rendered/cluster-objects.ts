import type { ConfigSetting, RunTimeObject } from "@flotilla/fleet";
import { isClusterScoped } from "@flotilla/helm";
import type { KubeObject } from "@flotilla/render";
import type { ConfigTexts } from "./config-texts.js";
import { isRecord, objectLabel, podTemplateOf, type PodTemplate, releaseLabel } from "./pod-templates.js";
import type { RenderedCluster } from "./types.js";

/** An object of the cluster with who renders it: a release (`namespace/name`) or flotilla (""). */
export interface PlacedObject {
  object: KubeObject;
  release: string;
  platform?: string;
}

/** Every object the cluster would have after Flux applied the tree and helm-controller installed each release. */
export interface ClusterObjects {
  all: PlacedObject[];
  /** By `Kind namespace/name`. */
  byLabel: Map<string, PlacedObject>;
  /** Objects the platforms' programs create at run time, by `Kind namespace/name`. */
  runTime: Map<string, RunTimeObject & { platform: string }>;
  pods: (PodTemplate & { release: string; platform?: string })[];
}

/** Helm test hooks run only on `helm test` (helm-controller: `spec.test.enable`), so they are not part of the cluster. */
function isTestHook(object: KubeObject): boolean {
  const hook = (object.metadata.annotations as Record<string, string> | undefined)?.["helm.sh/hook"];
  return typeof hook === "string" && hook.split(",").some((phase) => phase.trim().startsWith("test"));
}

/** The object as the API server keeps it: a cluster-scoped one in no namespace, a namespaced one without a namespace in `defaultNamespace` (a release's). */
function placedIn(defaultNamespace: string | undefined, object: KubeObject): KubeObject {
  if (isClusterScoped(object.apiVersion, object.kind)) {
    if (object.metadata.namespace === undefined) return object;
    const metadata = { ...object.metadata };
    delete metadata.namespace;
    return { ...object, metadata };
  }
  return object.metadata.namespace || defaultNamespace === undefined ? object : { ...object, metadata: { ...object.metadata, namespace: defaultNamespace } };
}

export function clusterObjects(cluster: RenderedCluster): ClusterObjects {
  const all: PlacedObject[] = [];
  for (const object of cluster.objects) all.push({ object: placedIn(undefined, object), release: "" });
  for (const release of cluster.releases) {
    for (const object of release.objects) {
      if (isTestHook(object)) continue;
      all.push({ object: placedIn(release.namespace, object), release: releaseLabel(release.helmRelease), ...(release.platform ? { platform: release.platform } : {}) });
    }
  }
  const byLabel = new Map(all.map((placed) => [objectLabel(placed.object), placed]));
  const runTime = new Map<string, RunTimeObject & { platform: string }>();
  for (const platform of cluster.platforms) {
    for (const object of platform.runTimeObjects) runTime.set(`${object.kind} ${object.namespace}/${object.name}`, { ...object, platform: platform.platform });
  }
  const pods = all.flatMap(({ object, release, platform }) => {
    const template = podTemplateOf(object);
    return template ? [{ ...template, release, ...(platform ? { platform } : {}) }] : [];
  });
  return { all, byLabel, runTime, pods };
}

/** Whether a ConfigMap of the cluster holds the setting; the reason when it does not. `texts` parses each text once per run. */
export function settingProblem(objects: ClusterObjects, setting: ConfigSetting, texts: ConfigTexts): string | undefined {
  const { namespace, name } = setting.configMap;
  const where = `ConfigMap ${namespace}/${name} key ${JSON.stringify(setting.key)} at ${setting.path.join(".")}`;
  const configMap = objects.byLabel.get(`ConfigMap ${namespace}/${name}`)?.object;
  const text = configMap && isRecord(configMap.data) ? configMap.data[setting.key] : undefined;
  if (typeof text !== "string") return `${where}: the ConfigMap or its key is not rendered`;
  const parsed = texts.value(text);
  if ("error" in parsed) return `${where}: the key does not parse as YAML/JSON`;
  let node = parsed.value;
  for (const key of setting.path) node = isRecord(node) ? node[key] : undefined;
  if (node === undefined) return `${where}: not set`;
  return String(node) === setting.equals ? undefined : `${where} is ${JSON.stringify(node)}, not ${JSON.stringify(setting.equals)}`;
}
