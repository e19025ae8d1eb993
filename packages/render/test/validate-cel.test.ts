import { readdirSync, readFileSync } from "node:fs";
import { parse, parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { compileRule } from "../src/validate/cel-environment.js";
import { createValidator } from "../src/validate/index.js";

const FLUX_CRDS = new URL("../../flux/crds/", import.meta.url);
const KARPENTER_CRDS = new URL("../../karpenter/crds/", import.meta.url);

type Json = Record<string, unknown>;

function readCrds(directory: URL): Json[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith(".yaml"))
    .flatMap((file) => parseAllDocuments(readFileSync(new URL(file, directory), "utf8")).map((document) => document.toJS() as Json | null))
    .filter((crd): crd is Json => crd !== null);
}

const fluxCrds = readCrds(FLUX_CRDS);
const karpenterCrds = readCrds(KARPENTER_CRDS);
const vendoredCrds = [...fluxCrds, ...karpenterCrds];

/** How a rule's schema node is reached from the object: a field name, or any item / any map value. */
type Step = string | "[*]";

interface VendoredRule {
  apiVersion: string;
  kind: string;
  rule: string;
  message: string | undefined;
  /** From the object root to the schema node carrying the rule. */
  steps: Step[];
}

const isJson = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** Every `x-kubernetes-validations` rule of every served version of the given CRDs. */
function collectRules(crds: readonly Json[]): VendoredRule[] {
  const rules: VendoredRule[] = [];
  for (const crd of crds) {
    const spec = crd.spec as { group: string; names: { kind: string }; versions: Json[] };
    for (const version of spec.versions) {
      if (version.served !== true) continue;
      const walk = (node: unknown, steps: Step[]) => {
        if (!isJson(node)) return;
        for (const validation of (node["x-kubernetes-validations"] as Json[] | undefined) ?? []) {
          const { rule, message } = validation as { rule: string; message?: string };
          rules.push({ apiVersion: `${spec.group}/${String(version.name)}`, kind: spec.names.kind, rule, message, steps });
        }
        for (const [name, property] of Object.entries(isJson(node.properties) ? node.properties : {})) walk(property, [...steps, name]);
        walk(node.items, [...steps, "[*]"]);
        walk(node.additionalProperties, [...steps, "[*]"]);
      };
      walk((version.schema as Json).openAPIV3Schema, []);
    }
  }
  return rules;
}

/** The values of `object` at `steps` (one per list item or map value reached). */
function valuesAt(object: unknown, steps: readonly Step[]): unknown[] {
  let values = [object];
  for (const step of steps) {
    values = values.flatMap((value) => {
      if (step === "[*]") return Array.isArray(value) ? value : isJson(value) ? Object.values(value) : [];
      return isJson(value) && value[step] !== undefined && value[step] !== null ? [value[step]] : [];
    });
  }
  return values;
}

const TRANSITION_RULES = [
  "self == oldSelf",
  "has(self.replicas) == has(oldSelf.replicas)",
  "self.group == oldSelf.group",
  "self.kind == oldSelf.kind",
];

describe("the CEL rules of the vendored CRDs", () => {
  const rules = collectRules(vendoredCrds);

  it("are many, from Flux and Karpenter", () => {
    expect(new Set(collectRules(fluxCrds).map(({ rule }) => rule)).size).toBeGreaterThanOrEqual(20);
    expect(new Set(collectRules(karpenterCrds).map(({ rule }) => rule)).size).toBeGreaterThanOrEqual(40);
  });

  it("all compile with the CEL library (parse and type check, every function known)", () => {
    const failures = rules.flatMap(({ kind, rule }) => {
      const compiled = compileRule(rule);
      return compiled.kind === "compiled" ? [] : [`${kind}: ${rule}: ${compiled.reason}`];
    });
    expect(failures).toEqual([]);
  });

  it("are transition rules (skipped at render time) exactly when they refer to oldSelf", () => {
    const transition = rules.filter(({ rule }) => {
      const compiled = compileRule(rule);
      return compiled.kind === "compiled" && compiled.transition;
    });
    expect([...new Set(transition.map(({ rule }) => rule))].sort()).toEqual([...TRANSITION_RULES].sort());
    expect(rules.filter(({ rule }) => rule.includes("oldSelf")).length).toBe(transition.length);
  });
});

const metadata = { name: "demo", namespace: "flux-system" };
const nodeClassRef = { group: "karpenter.azure.com", kind: "AKSNodeClass", name: "default" };
const requirements = [
  { key: "karpenter.azure.com/sku-family", operator: "In", values: ["D", "E"], minValues: 2 },
  { key: "karpenter.azure.com/sku-cpu", operator: "Gt", values: ["3"] },
  { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
  { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
  { key: "kubernetes.azure.com/mode", operator: "Exists" },
];
const dnsOverride = (zone: string, forwardDestination: string) => ({
  zone,
  forwardDestination,
  forwardPolicy: "Sequential",
  protocol: "PreferUDP",
  queryLogging: "Error",
  serveStale: "Verify",
  cacheDuration: "1h",
  serveStaleDuration: "1h",
  maxConcurrent: 1000,
});
// The vendored AKSNodeClass is the released v1.14.2 one: FIPS only with AzureLinux (or the default
// Ubuntu family), no trustedLaunch.
const aksNodeClassSpec = {
  imageFamily: "AzureLinux",
  fipsMode: "FIPS",
  kubelet: { imageGCHighThresholdPercent: 85, imageGCLowThresholdPercent: 80, failSwapOn: false },
  linuxOSConfig: {
    swapFileSize: "1Gi",
    sysctls: {
      netCoreRmemDefault: 212992,
      netCoreRmemMax: 212992,
      netCoreWmemDefault: 212992,
      netCoreWmemMax: 425984,
      netIPv4NeighDefaultGcThresh1: 128,
      netIPv4NeighDefaultGcThresh2: 512,
      netIPv4NeighDefaultGcThresh3: 1024,
      netIPv4IPLocalPortRange: "32768 60999",
    },
  },
  localDNS: {
    mode: "Preferred",
    vnetDNSOverrides: [dnsOverride(".", "VnetDNS"), dnsOverride("cluster.local", "ClusterCoreDNS")],
    kubeDNSOverrides: [dnsOverride(".", "ClusterCoreDNS"), dnsOverride("cluster.local", "ClusterCoreDNS")],
  },
  tags: { team: "platform", "cost-center": "1234" },
};

/** Valid objects that, together, reach every rule node of the vendored CRDs. */
const VALID_OBJECTS: Json[] = [
  {
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "GitRepository",
    metadata,
    spec: { interval: "5m", url: "https://dev.azure.com/org/project/_git/repo", provider: "azure", serviceAccountName: "flux" },
  },
  {
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    metadata,
    spec: {
      interval: "1h",
      chartRef: { kind: "OCIRepository", name: "podinfo" },
      kubeConfig: { secretRef: { name: "kubeconfig" } },
      install: { strategy: { name: "RetryOnFailure", retryInterval: "5m" } },
      upgrade: { strategy: { name: "RetryOnFailure", retryInterval: "5m" } },
    },
  },
  {
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    kind: "Kustomization",
    metadata,
    spec: { interval: "10m", prune: true, sourceRef: { kind: "GitRepository", name: "fleet" }, kubeConfig: { configMapRef: { name: "kubeconfig" } } },
  },
  {
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "HelmChart",
    metadata,
    spec: { interval: "1h", chart: "podinfo", sourceRef: { kind: "HelmRepository", name: "podinfo" }, verify: { provider: "cosign" } },
  },
  {
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "Bucket",
    metadata,
    spec: { interval: "5m", bucketName: "b", endpoint: "minio.example.com", provider: "generic", sts: { provider: "ldap", endpoint: "https://ldap.example.com" } },
  },
  {
    apiVersion: "image.toolkit.fluxcd.io/v1",
    kind: "ImagePolicy",
    metadata,
    spec: { imageRepositoryRef: { name: "app" }, policy: { semver: { range: ">=1.0.0" } }, digestReflectionPolicy: "Always", interval: "1h" },
  },
  {
    apiVersion: "notification.toolkit.fluxcd.io/v1beta3",
    kind: "Provider",
    metadata,
    spec: { type: "github", address: "https://github.com/org/repo", secretRef: { name: "token" }, commitStatusExpr: "event.metadata.id" },
  },
  {
    apiVersion: "notification.toolkit.fluxcd.io/v1",
    kind: "Receiver",
    metadata,
    spec: {
      type: "generic-oidc",
      resources: [{ kind: "GitRepository", name: "fleet" }],
      oidcProviders: [{ issuerURL: "https://token.actions.githubusercontent.com", validations: [{ expression: "true", message: "always" }] }],
    },
  },
  ...["karpenter.azure.com/v1alpha2", "karpenter.azure.com/v1beta1"].map((apiVersion) => ({
    apiVersion,
    kind: "AKSNodeClass",
    metadata: { name: "default" },
    spec: aksNodeClassSpec,
  })),
  {
    apiVersion: "karpenter.sh/v1",
    kind: "NodePool",
    metadata: { name: "default" },
    spec: {
      template: { metadata: { labels: { team: "platform", "karpenter.sh/capacity-type": "spot" } }, spec: { nodeClassRef, requirements } },
      disruption: { consolidateAfter: "1m", budgets: [{ nodes: "10%" }, { nodes: "0", schedule: "@daily", duration: "10m" }] },
      limits: { cpu: 100 },
      weight: 10,
    },
  },
  {
    apiVersion: "karpenter.sh/v1",
    kind: "NodePool",
    metadata: { name: "static" },
    spec: { replicas: 2, limits: { nodes: 5 }, template: { spec: { nodeClassRef, requirements } } },
  },
  {
    apiVersion: "karpenter.sh/v1",
    kind: "NodeClaim",
    metadata: { name: "claim" },
    spec: { nodeClassRef, requirements },
  },
];

describe("CEL rules on valid objects", () => {
  const validator = createValidator({ crds: vendoredCrds });

  it("all hold (no rule fails or errors)", () => {
    for (const object of VALID_OBJECTS) expect(validator.validate(object), `${String(object.kind)} ${String(object.apiVersion)}`).toEqual([]);
  });

  it("reach every rule of the vendored CRDs that is not a transition rule", () => {
    const unreached = collectRules(vendoredCrds)
      .filter(({ rule }) => !TRANSITION_RULES.includes(rule))
      .filter(({ apiVersion, kind, steps }) => {
        const objects = VALID_OBJECTS.filter((object) => object.apiVersion === apiVersion && object.kind === kind);
        return !objects.some((object) => valuesAt(object, steps).length > 0);
      })
      .map(({ kind, steps, rule }) => `${kind} .${steps.join(".")}: ${rule}`);
    expect(unreached).toEqual([]);
  });
});

describe("CEL rules of Flux CRDs", () => {
  const validator = createValidator({ crds: fluxCrds });
  const helmRelease = (spec: Json) => ({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata, spec: { interval: "1h", ...spec } });
  const gitRepository = (spec: Json) => ({
    apiVersion: "source.toolkit.fluxcd.io/v1",
    kind: "GitRepository",
    metadata,
    spec: { interval: "5m", url: "https://example.com/fleet.git", ...spec },
  });
  const chart = { spec: { chart: "podinfo", sourceRef: { kind: "HelmRepository", name: "podinfo" } } };
  const chartRef = { kind: "OCIRepository", name: "podinfo" };

  it("a HelmRelease needs exactly one of chart and chartRef", () => {
    expect(validator.validate(helmRelease({ chart }))).toEqual([]);
    expect(validator.validate(helmRelease({ chartRef }))).toEqual([]);
    const failed = [{ path: ".spec", message: "either chart or chartRef must be set" }];
    expect(validator.validate(helmRelease({ chart, chartRef }))).toEqual(failed);
    expect(validator.validate(helmRelease({}))).toEqual(failed);
  });

  it("checks rules of nested objects at their path", () => {
    expect(validator.validate(helmRelease({ chartRef, install: { strategy: { name: "RemediateOnFailure", retryInterval: "1m" } } }))).toEqual([
      { path: ".spec.install.strategy", message: ".retryInterval cannot be set when .name is 'RemediateOnFailure'" },
    ]);
    expect(validator.validate(helmRelease({ chartRef, kubeConfig: { secretRef: { name: "a" }, configMapRef: { name: "b" } } }))).toEqual([
      { path: ".spec.kubeConfig", message: "exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified" },
    ]);
  });

  it("a GitRepository may only name a service account for the azure and aws providers", () => {
    expect(validator.validate(gitRepository({ provider: "azure", serviceAccountName: "flux" }))).toEqual([]);
    expect(validator.validate(gitRepository({ provider: "generic" }))).toEqual([]);
    const failed = [{ path: ".spec", message: "serviceAccountName can only be set when provider is 'azure' or 'aws'" }];
    expect(validator.validate(gitRepository({ provider: "generic", serviceAccountName: "flux" }))).toEqual(failed);
    expect(validator.validate(gitRepository({ serviceAccountName: "flux" }))).toEqual(failed);
  });

  it("reports schema problems together with failed rules, sorted by path", () => {
    expect(validator.validate(helmRelease({ chart, chartRef, timeout: "soon" }))).toEqual([
      { path: ".spec", message: "either chart or chartRef must be set" },
      { path: ".spec.timeout", message: expect.stringMatching(/^must match the pattern/) },
    ]);
  });

  it("does not evaluate rules while values have the wrong type or are outside their enum, like the API server", () => {
    expect(validator.validate(gitRepository({ provider: "gitea", serviceAccountName: "flux" }))).toEqual([
      { path: ".spec.provider", message: 'must be one of "generic", "aws", "azure", "github"; got string "gitea"' },
    ]);
    expect(validator.validate(helmRelease({ chart, chartRef: "podinfo" }))).toEqual([
      { path: ".spec.chartRef", message: 'expected object, got string "podinfo"' },
    ]);
  });
});

describe("CEL rules of Karpenter CRDs", () => {
  const validator = createValidator({ crds: karpenterCrds });
  const nodePool = (spec: Json) => ({
    apiVersion: "karpenter.sh/v1",
    kind: "NodePool",
    metadata: { name: "default" },
    spec: { template: { spec: { nodeClassRef, requirements: [{ key: "kubernetes.io/arch", operator: "In", values: ["amd64"] }] } }, ...spec },
  });
  const nodeClass = (spec: Json, apiVersion = "karpenter.azure.com/v1beta1") => ({ apiVersion, kind: "AKSNodeClass", metadata: { name: "default" }, spec });

  it("a static NodePool (replicas set) takes no weight and only limits.nodes", () => {
    expect(validator.validate(nodePool({ replicas: 3, limits: { nodes: 3 } }))).toEqual([]);
    expect(validator.validate(nodePool({ replicas: 3, weight: 10, limits: { cpu: 8 } }))).toEqual([
      { path: ".spec", message: "only 'limits.nodes' is supported on static NodePools" },
      { path: ".spec", message: "'weight' is not supported on static NodePools" },
    ]);
  });

  it("restricts NodePool labels and requirement keys", () => {
    const labelled = nodePool({});
    labelled.spec.template = { ...labelled.spec.template, metadata: { labels: { "kubernetes.io/hostname": "x", "karpenter.azure.com/sku-name": "y" } } } as never;
    expect(validator.validate(labelled)).toEqual([
      { path: ".spec.template.metadata.labels", message: 'label "kubernetes.io/hostname" is restricted' },
    ]);
    const restricted = [
      { key: "karpenter.sh/nodepool", operator: "In", values: [] },
      { key: "karpenter.sh/something", operator: "Exists" },
    ];
    expect(validator.validate(nodePool({ template: { spec: { nodeClassRef, requirements: restricted } } }))).toEqual([
      { path: ".spec.template.spec.requirements", message: "requirements with operator 'In' must have a value defined" },
      { path: ".spec.template.spec.requirements[0].key", message: 'label "karpenter.sh/nodepool" is restricted' },
      { path: ".spec.template.spec.requirements[1].key", message: 'label domain "karpenter.sh" is restricted' },
    ]);
  });

  it("checks AKSNodeClass kubelet, sysctl and tag rules (both served versions)", () => {
    for (const apiVersion of ["karpenter.azure.com/v1alpha2", "karpenter.azure.com/v1beta1"]) {
      const spec = {
        kubelet: { imageGCHighThresholdPercent: 50, imageGCLowThresholdPercent: 80 },
        linuxOSConfig: { sysctls: { netIPv4IPLocalPortRange: "80 65535" } },
        tags: { "a<b": "c" },
      };
      expect(validator.validate(nodeClass(spec, apiVersion))).toEqual([
        { path: ".spec.kubelet", message: "imageGCHighThresholdPercent must be greater than imageGCLowThresholdPercent" },
        { path: ".spec.linuxOSConfig.sysctls", message: "netIPv4IPLocalPortRange first port must be in [1024, 60999]" },
        { path: ".spec.tags", message: "tags keys must not contain '<', '>', '%', '&', or '?'" },
      ]);
    }
  });

  it("applies schema defaults before evaluating rules: imageFamily defaults to Ubuntu", () => {
    expect(validator.validate(nodeClass({ fipsMode: "FIPS" }))).toEqual([]);
    expect(validator.validate(nodeClass({ fipsMode: "FIPS", imageFamily: "Ubuntu2404" }))).toEqual([
      { path: ".spec", message: "FIPS is not yet supported for Ubuntu2204 or Ubuntu2404" },
    ]);
  });

  it("skips transition rules (oldSelf): a rendered object has no stored version to compare with", () => {
    expect(validator.validate({ apiVersion: "karpenter.sh/v1", kind: "NodeClaim", metadata: { name: "c" }, spec: { nodeClassRef, requirements } })).toEqual([]);
  });
});

// A made-up CRD for the CEL semantics the vendored CRDs do not exercise.
const GADGET_CRD = parse(`
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.com
spec:
  group: example.com
  names: { kind: Gadget, plural: gadgets }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-validations:
            - rule: self.metadata.name.startsWith('g-')
              message: the name must start with g-
            - rule: "!has(self.metadata.labels) && self.kind == 'Gadget'"
              message: only name and generateName of metadata are visible
          properties:
            apiVersion: { type: string }
            kind: { type: string }
            metadata: { type: object }
            spec:
              type: object
              x-kubernetes-validations:
                - rule: "!has(self.minReplicas) || !has(self.maxReplicas) || self.minReplicas <= self.maxReplicas"
                  fieldPath: .minReplicas
                  message: minReplicas must not exceed maxReplicas
                - rule: "!has(self.labels) || !('app.kubernetes.io/name' in self.labels) || self.labels['app.kubernetes.io/name'] != 'x'"
                  fieldPath: .labels['app.kubernetes.io/name']
                - rule: self == oldSelf
                  message: transition rules are skipped
                - rule: self.mode == 'slow' || has(self.limit)
                  message: a limit is required unless the mode is slow
              properties:
                minReplicas: { type: integer }
                maxReplicas: { type: integer }
                mode: { type: string, default: slow }
                limit: { type: integer }
                count:
                  type: integer
                  x-kubernetes-validations: [{ rule: "type(self) == int && self / 2 == 1" }]
                ratio:
                  type: number
                  x-kubernetes-validations: [{ rule: "type(self) == double && self / 2.0 > 0.5" }]
                window:
                  type: string
                  format: duration
                  x-kubernetes-validations: [{ rule: "self < duration('1h')", message: the window must be shorter than 1h }]
                since:
                  type: string
                  format: date-time
                  x-kubernetes-validations: [{ rule: "self < timestamp('2030-01-01T00:00:00Z')", message: since must be before 2030 }]
                labels:
                  type: object
                  additionalProperties:
                    type: string
                    x-kubernetes-validations: [{ rule: size(self) <= 5, message: label values have at most 5 characters }]
                ports:
                  type: array
                  x-kubernetes-validations: [{ rule: "self.all(p, p.port != 0)", message: no port 0 }]
                  items:
                    type: object
                    x-kubernetes-validations: [{ rule: self.port > 1024 || (has(self.name) && self.name == 'privileged'), message: low ports must be named privileged }]
                    properties:
                      name: { type: string }
                      port: { type: integer }
                extra:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
                  x-kubernetes-validations: [{ rule: "!has(self.level) || self.level < 10", message: level below 10 }]
                note:
                  type: string
                  nullable: true
                  x-kubernetes-validations: [{ rule: self != '', message: note must not be empty }]
                broken:
                  type: string
                  x-kubernetes-validations: [{ rule: "self.startsWith(" }]
                unknownFunction:
                  type: string
                  x-kubernetes-validations: [{ rule: "isQuantity(self)" }]
                noSuchKey:
                  type: object
                  properties: { a: { type: string } }
                  x-kubernetes-validations: [{ rule: self.a == 'x' }]
                notBool:
                  type: string
                  x-kubernetes-validations: [{ rule: self }]
                optional:
                  type: string
                  x-kubernetes-validations:
                    - rule: "!oldSelf.hasValue() || self == oldSelf.value()"
                      optionalOldSelf: true
                    - rule: oldSelf.hasValue()
                      optionalOldSelf: true
                      message: on create, oldSelf is an empty optional
`);

describe("CEL semantics", () => {
  const validator = createValidator({ crds: [GADGET_CRD] });
  const gadget = (spec: Json, name = "g-1", extraMetadata: Json = {}) => ({
    apiVersion: "example.com/v1",
    kind: "Gadget",
    metadata: { name, namespace: "ns", labels: { a: "b" }, ...extraMetadata },
    spec,
  });

  it("accepts an object that satisfies every rule", () => {
    const spec = {
      minReplicas: 1,
      maxReplicas: 3,
      count: 3,
      ratio: 2,
      window: "30m",
      since: "2024-01-01T00:00:00Z",
      labels: { "app.kubernetes.io/name": "demo" },
      ports: [{ port: 8080 }, { name: "privileged", port: 80 }],
      extra: { level: 3, anything: [1.5, { x: "y" }] },
      note: null,
    };
    expect(validator.validate(gadget(spec))).toEqual([]);
  });

  it("evaluates rules at the root, where metadata has only name and generateName", () => {
    expect(validator.validate(gadget({}, "gadget"))).toEqual([{ path: "", message: "the name must start with g-" }]);
  });

  it("appends a rule's fieldPath to the path, and falls back to 'failed rule: <rule>' without a message", () => {
    expect(validator.validate(gadget({ minReplicas: 3, maxReplicas: 1, labels: { "app.kubernetes.io/name": "x" } }))).toEqual([
      {
        path: '.spec.labels["app.kubernetes.io/name"]',
        message: "failed rule: !has(self.labels) || !('app.kubernetes.io/name' in self.labels) || self.labels['app.kubernetes.io/name'] != 'x'",
      },
      { path: ".spec.minReplicas", message: "minReplicas must not exceed maxReplicas" },
    ]);
  });

  it("sees schema defaults, int and double numbers, durations and timestamps", () => {
    expect(validator.validate(gadget({ mode: "fast" }))).toEqual([{ path: ".spec", message: "a limit is required unless the mode is slow" }]);
    expect(validator.validate(gadget({ count: 5, ratio: 1 }))).toEqual([
      { path: ".spec.count", message: "failed rule: type(self) == int && self / 2 == 1" },
      { path: ".spec.ratio", message: "failed rule: type(self) == double && self / 2.0 > 0.5" },
    ]);
    expect(validator.validate(gadget({ window: "1h30m", since: "2031-05-01T00:00:00Z" }))).toEqual([
      { path: ".spec.since", message: "since must be before 2030" },
      { path: ".spec.window", message: "the window must be shorter than 1h" },
    ]);
  });

  it("evaluates rules of map values, list items and lists at their paths", () => {
    expect(validator.validate(gadget({ labels: { ok: "short", "a.b/c": "too long" }, ports: [{ port: 8080 }, { port: 0 }] }))).toEqual([
      { path: '.spec.labels["a.b/c"]', message: "label values have at most 5 characters" },
      { path: ".spec.ports", message: "no port 0" },
      { path: ".spec.ports[1]", message: "low ports must be named privileged" },
    ]);
  });

  it("sees unknown fields under x-kubernetes-preserve-unknown-fields, integers as ints", () => {
    expect(validator.validate(gadget({ extra: { level: 12 } }))).toEqual([{ path: ".spec.extra", message: "level below 10" }]);
  });

  it("evaluates rules only where a value is present and not null", () => {
    expect(validator.validate(gadget({ note: "" }))).toEqual([{ path: ".spec.note", message: "note must not be empty" }]);
    expect(validator.validate(gadget({ note: null }))).toEqual([]);
  });

  it("reports rules that cannot be compiled, fail at runtime or return no bool, naming the rule", () => {
    expect(validator.validate(gadget({ broken: "a", unknownFunction: "1Gi", noSuchKey: {}, notBool: "a" }))).toEqual([
      { path: ".spec.broken", message: expect.stringMatching(/^CEL rule cannot be compiled \(.+\): self\.startsWith\($/) },
      { path: ".spec.noSuchKey", message: "CEL rule could not be evaluated (No such key: a): self.a == 'x'" },
      { path: ".spec.notBool", message: "CEL rule did not evaluate to a bool: self" },
      { path: ".spec.unknownFunction", message: expect.stringMatching(/^CEL rule cannot be compiled \(.*isQuantity.*\): isQuantity\(self\)$/) },
    ]);
  });

  it("evaluates optionalOldSelf transition rules with oldSelf an empty optional, like a create", () => {
    expect(validator.validate(gadget({ optional: "a" }))).toEqual([{ path: ".spec.optional", message: "on create, oldSelf is an empty optional" }]);
  });
});
