import { createHash } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { generatedHeader, planTree, toYaml, type KubeObject } from "@flotilla/render";

/** A cluster of a fixture tree: objects by directory ("" is the root); every directory gets a Flux Kustomization but the root. */
export interface FixtureCluster {
  name: string;
  dirs: Record<string, object[]>;
  /** dependsOn between the layer Kustomizations: dir → dirs it depends on. */
  dependsOn?: Record<string, string[]>;
}

const LABELS = { "app.kubernetes.io/managed-by": "flotilla" };

export function gitRepository(): KubeObject {
  return {
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "GitRepository",
    metadata: { name: "flotilla", namespace: "flux-system", labels: LABELS },
    spec: { interval: "1m", ref: { branch: "main" }, url: "ssh://git@github.com/contoso/ml-fleet.git" },
  };
}

export function fluxKustomization(cluster: string, dir: string, dependsOn: string[] = []): KubeObject {
  return {
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    kind: "Kustomization",
    metadata: { name: dir, namespace: "flux-system", labels: LABELS },
    spec: {
      interval: "10m",
      path: `./clusters/${cluster}/${dir}`,
      prune: true,
      sourceRef: { kind: "GitRepository", name: "flotilla" },
      ...(dependsOn.length > 0 ? { dependsOn: dependsOn.map((name) => ({ name })) } : {}),
    },
  };
}

export function namespace(name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { ...LABELS, ...labels } } };
}

export function configMap(namespaceName: string, name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: namespaceName, labels: LABELS }, data };
}

export function helmRepository(name: string, url: string): KubeObject {
  return { apiVersion: "source.toolkit.fluxcd.io/v1", kind: "HelmRepository", metadata: { name, namespace: "flux-system", labels: LABELS }, spec: { interval: "1h", url } };
}

export function helmRelease(namespaceName: string, name: string, chart: { chart: string; version: string; repository: string }, values: object): KubeObject {
  return {
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    metadata: { name, namespace: namespaceName, labels: LABELS },
    spec: {
      interval: "10m",
      chart: { spec: { chart: chart.chart, version: chart.version, sourceRef: { kind: "HelmRepository", name: chart.repository, namespace: "flux-system" } } },
      values,
    },
  };
}

/** A SOPS-encrypted Secret as sops writes it (`encrypted_regex: ^(data|stringData)$`); `seed` varies every ciphertext. */
export function encryptedSecret(namespaceName: string, name: string, keys: string[], seed: string): string {
  const bytes = (what: string, length: number) => createHash("sha256").update(`${seed}:${what}`).digest().subarray(0, length).toString("base64");
  const enc = (value: string) => `ENC[AES256_GCM,data:${Buffer.from(`${seed}:${value}`).toString("base64")},iv:${bytes(`${value}:iv`, 32)},tag:${bytes(`${value}:tag`, 16)},type:str]`;
  return [
    "apiVersion: v1",
    "kind: Secret",
    "metadata:",
    `    name: ${name}`,
    `    namespace: ${namespaceName}`,
    "stringData:",
    ...keys.map((key) => `    ${key}: ${enc(key)}`),
    "sops:",
    "    age:",
    "        - recipient: age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29",
    "          enc: |",
    "            -----BEGIN AGE ENCRYPTED FILE-----",
    `            ${Buffer.from(`wrapped-${seed}`).toString("base64")}`,
    "            -----END AGE ENCRYPTED FILE-----",
    `    lastmodified: "2026-01-0${seed.length % 9}T00:00:00Z"`,
    `    mac: ${enc("mac")}`,
    "    encrypted_regex: ^(data|stringData)$",
    "    version: 3.10.2",
    "",
  ].join("\n");
}

/** The files of a valid tree (relative to the tree root), laid out by the real renderer (planTree). */
export function renderFixtureTree(clusters: FixtureCluster[]): Map<string, string> {
  const plan = planTree(
    clusters.map((cluster) => {
      const dirs = Object.keys(cluster.dirs).filter((dir) => dir !== "");
      const root = [gitRepository(), ...dirs.map((dir) => fluxKustomization(cluster.name, dir, cluster.dependsOn?.[dir] ?? [])), ...(cluster.dirs[""] ?? [])];
      return {
        cluster: cluster.name,
        source: `fixtures/${cluster.name}.ts`,
        dirs: ["", ...dirs],
        documents: [...root.map((object) => ({ dir: "", object })), ...dirs.flatMap((dir) => cluster.dirs[dir]!.map((object) => ({ dir, object })))],
      };
    }),
    { validate: () => [] },
  );
  if (plan.problems.length > 0) throw new Error(JSON.stringify(plan.problems));
  return plan.files;
}

/** Adds a file and lists it in its directory's kustomization.yaml. */
export function addListedFile(files: Map<string, string>, path: string, content: string): void {
  files.set(path, content);
  const dir = dirname(path);
  const listing = `${dir}/kustomization.yaml`;
  const current = parse(files.get(listing) ?? "resources: []") as { resources?: string[] };
  const resources = [...new Set([...(current.resources ?? []), path.slice(dir.length + 1)])].sort();
  files.set(listing, generatedHeader("fixtures") + toYaml({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources } as unknown as KubeObject));
}

/** Removes a file and its kustomization.yaml entry. */
export function removeListedFile(files: Map<string, string>, path: string): void {
  files.delete(path);
  const dir = dirname(path);
  const listing = `${dir}/kustomization.yaml`;
  const current = parse(files.get(listing)!) as { resources?: string[] };
  const resources = (current.resources ?? []).filter((entry) => entry !== path.slice(dir.length + 1));
  files.set(listing, generatedHeader("fixtures") + toYaml({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources } as unknown as KubeObject));
}

/** Replaces the tree at `root` with exactly these files. */
export async function writeFixtureTree(root: string, files: Map<string, string>): Promise<void> {
  await rm(root, { recursive: true, force: true });
  for (const [path, content] of files) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

export function yamlFile(object: KubeObject, source = "fixtures"): string {
  return generatedHeader(source) + toYaml(object);
}
