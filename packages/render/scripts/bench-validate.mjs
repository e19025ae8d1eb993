#!/usr/bin/env node
// Measures the validator's own cost in a fresh process (run after `pnpm --filter @flotilla/render build`):
//   node packages/render/scripts/bench-validate.mjs
// Reading the CRD YAML files is timed separately: it is the caller's job (readCrdDocuments).
import { readdirSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parseAllDocuments } from "yaml";

const crdDirectory = new URL("../../flux/crds/", import.meta.url);
const since = (start) => `${(performance.now() - start).toFixed(1)} ms`;
// CPU time of this process (less sensitive than wall time to other processes on a busy machine).
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

let start = performance.now();
await import("cdk8s");
console.log(`import cdk8s                   ${since(start)}`);

start = performance.now();
const { createValidator } = await import("../dist/validate/index.js");
console.log(`import validate module         ${since(start)}`);

start = performance.now();
const crds = readdirSync(crdDirectory)
  .filter((file) => file.endsWith(".yaml"))
  .flatMap((file) => parseAllDocuments(readFileSync(new URL(file, crdDirectory), "utf8")).map((doc) => doc.toJS()));
console.log(`parse ${crds.length} Flux CRD files (caller) ${since(start)}`);

start = performance.now();
const validator = createValidator({ crds });
console.log(`createValidator                ${since(start)}`);

const metadata = { name: "demo", namespace: "flux-system" };
const objects = {
  Kustomization: {
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    kind: "Kustomization",
    metadata,
    spec: { interval: "10m", path: "./apps", prune: true, sourceRef: { kind: "GitRepository", name: "fleet" } },
  },
  HelmRelease: {
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    metadata,
    spec: {
      interval: "1h",
      chart: { spec: { chart: "podinfo", version: "6.x", sourceRef: { kind: "HelmRepository", name: "podinfo" } } },
      values: { replicaCount: 2 },
    },
  },
  Namespace: { apiVersion: "v1", kind: "Namespace", metadata: { name: "demo" } },
  Deployment: {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata,
    spec: {
      selector: { matchLabels: { app: "demo" } },
      template: {
        metadata: { labels: { app: "demo" } },
        spec: { containers: [{ name: "app", image: "nginx", ports: [{ containerPort: 80 }] }] },
      },
    },
  },
};

const moreObjects = {
  ServiceAccount: { apiVersion: "v1", kind: "ServiceAccount", metadata },
  ConfigMap: { apiVersion: "v1", kind: "ConfigMap", metadata, data: { key: "value" } },
  Secret: { apiVersion: "v1", kind: "Secret", metadata, stringData: { key: "value" } },
  Service: { apiVersion: "v1", kind: "Service", metadata, spec: { selector: { app: "demo" }, ports: [{ port: 80, targetPort: "http" }] } },
  ClusterRole: {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: "demo" },
    rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
  },
  ClusterRoleBinding: {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: "demo" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "demo" },
    subjects: [{ kind: "ServiceAccount", name: "demo", namespace: "demo" }],
  },
  GitRepository: {
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "GitRepository",
    metadata,
    spec: { interval: "5m", url: "https://example.com/repo.git", ref: { branch: "main" } },
  },
  HelmRepository: { apiVersion: "source.toolkit.fluxcd.io/v1", kind: "HelmRepository", metadata, spec: { interval: "1h", url: "https://charts.example.com" } },
  OCIRepository: {
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "OCIRepository",
    metadata,
    spec: { interval: "5m", url: "oci://ghcr.io/org/app", ref: { tag: "1.0.0" } },
  },
};

function validateCold(group) {
  let wall = 0;
  let cpu = 0;
  for (const [name, object] of Object.entries(group)) {
    const [wallStart, cpuStart] = [performance.now(), cpuMs()];
    const problems = validator.validate(object);
    const [elapsedWall, elapsedCpu] = [performance.now() - wallStart, cpuMs() - cpuStart];
    wall += elapsedWall;
    cpu += elapsedCpu;
    const failed = problems.length ? ` PROBLEMS ${JSON.stringify(problems)}` : "";
    console.log(`cold validate ${name.padEnd(18)} ${elapsedWall.toFixed(1).padStart(6)} ms (cpu ${elapsedCpu.toFixed(1)} ms)${failed}`);
  }
  return { wall, cpu };
}

const first = validateCold(objects);
console.log(`cold total, 4 kinds above        ${first.wall.toFixed(1)} ms (cpu ${first.cpu.toFixed(1)} ms)`);
const second = validateCold(moreObjects);
console.log(`cold total, 9 more kinds         ${second.wall.toFixed(1)} ms (cpu ${second.cpu.toFixed(1)} ms)`);

const all = [...Object.values(objects), ...Object.values(moreObjects)];
const rounds = 1000;
start = performance.now();
for (let round = 0; round < rounds; round++) for (const object of all) validator.validate(object);
console.log(`warm validate (mean per object)  ${(((performance.now() - start) / (rounds * all.length)) * 1000).toFixed(1)} µs`);
