import { readdirSync, readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { createValidator, type ObjectValidator } from "../src/validate/index.js";

const FLUX_CRDS = new URL("../../flux/crds/", import.meta.url);
const KARPENTER_CRDS = new URL("../../karpenter/crds/", import.meta.url);

function readCrds(directory: URL): unknown[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith(".yaml"))
    .flatMap((file) => parseAllDocuments(readFileSync(new URL(file, directory), "utf8")).map((document) => document.toJS()))
    .filter((crd) => crd !== null);
}

const metadata = { name: "apps", namespace: "flux-system" };

function kustomization(spec: Record<string, unknown> = {}) {
  return {
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    kind: "Kustomization",
    metadata,
    spec: { interval: "10m", path: "./apps", prune: true, sourceRef: { kind: "GitRepository", name: "fleet" }, ...spec },
  };
}

function helmRelease(spec: Record<string, unknown> = {}) {
  return {
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    metadata,
    spec: {
      interval: "1h",
      chart: { spec: { chart: "podinfo", version: "6.x", sourceRef: { kind: "HelmRepository", name: "podinfo" } } },
      ...spec,
    },
  };
}

let validator: ObjectValidator;
beforeAll(() => {
  validator = createValidator({ crds: readCrds(FLUX_CRDS) });
});

describe("Flux custom resources", () => {
  it("accepts valid objects of every Flux API", () => {
    const objects = [
      kustomization({ dependsOn: [{ name: "infra" }], healthChecks: [{ apiVersion: "apps/v1", kind: "Deployment", name: "x", namespace: "y" }] }),
      helmRelease({ values: { replicaCount: 2 } }),
      { apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository", metadata, spec: { interval: "5m", url: "https://example.com/fleet.git", ref: { branch: "main" } } },
      { apiVersion: "source.toolkit.fluxcd.io/v1", kind: "OCIRepository", metadata, spec: { interval: "5m", url: "oci://ghcr.io/org/app", ref: { tag: "1.0.0" } } },
      { apiVersion: "source.toolkit.fluxcd.io/v1", kind: "HelmRepository", metadata, spec: { interval: "1h", url: "https://charts.example.com" } },
      { apiVersion: "notification.toolkit.fluxcd.io/v1beta3", kind: "Provider", metadata, spec: { type: "slack", channel: "ops" } },
      {
        apiVersion: "notification.toolkit.fluxcd.io/v1beta3",
        kind: "Alert",
        metadata,
        spec: { providerRef: { name: "slack" }, eventSources: [{ kind: "Kustomization", name: "*" }] },
      },
    ];
    for (const object of objects) expect(validator.validate(object), object.kind).toEqual([]);
  });

  it("rejects an unknown field in spec, suggesting the known one", () => {
    const { interval, ...spec } = kustomization().spec;
    const problems = validator.validate({ ...kustomization(), spec: { ...spec, intervl: interval } });
    expect(problems).toContainEqual({
      path: ".spec.intervl",
      message: expect.stringMatching(/^unknown field \(did you mean "interval"\? known fields: interval, .*\.\.\.\)$/),
    });
    expect(problems).toContainEqual({ path: ".spec.interval", message: "required field is missing" });
    expect(problems).toHaveLength(2);
  });

  it("rejects an unknown field in a nested object", () => {
    const problems = validator.validate(kustomization({ sourceRef: { kind: "GitRepository", nme: "fleet" } }));
    expect(problems).toEqual([
      { path: ".spec.sourceRef.name", message: "required field is missing" },
      { path: ".spec.sourceRef.nme", message: expect.stringContaining('did you mean "name"?') },
    ]);
  });

  it("reports a wrong type with the expected type and the value", () => {
    expect(validator.validate(kustomization({ prune: "yes" }))).toEqual([
      { path: ".spec.prune", message: 'expected boolean, got string "yes"' },
    ]);
  });

  it("reports an enum violation with the allowed values", () => {
    expect(validator.validate(kustomization({ sourceRef: { kind: "GitRepo", name: "fleet" } }))).toEqual([
      {
        path: ".spec.sourceRef.kind",
        message: 'must be one of "OCIRepository", "GitRepository", "Bucket", "ExternalArtifact"; got string "GitRepo"',
      },
    ]);
  });

  it("reports a missing required field", () => {
    const spec: Record<string, unknown> = kustomization().spec;
    delete spec.sourceRef;
    expect(validator.validate({ ...kustomization(), spec })).toEqual([
      { path: ".spec.sourceRef", message: "required field is missing" },
    ]);
  });

  it("checks patterns and integer types", () => {
    expect(validator.validate(kustomization({ interval: "10 minutes" }))).toEqual([
      { path: ".spec.interval", message: 'must match the pattern ^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$; got string "10 minutes"' },
    ]);
    expect(validator.validate(helmRelease({ maxHistory: 1.5 }))).toEqual([
      { path: ".spec.maxHistory", message: "expected integer, got number 1.5" },
    ]);
  });

  it("lets anything through under x-kubernetes-preserve-unknown-fields, and only there", () => {
    const values = { image: { tag: "1.0" }, list: [1, "two", { three: null }], enabled: true };
    expect(validator.validate(helmRelease({ values }))).toEqual([]);
    expect(validator.validate(helmRelease({ valuez: values }))).toEqual([
      { path: ".spec.valuez", message: expect.stringContaining('did you mean "values"?') },
    ]);
  });

  it("reports several distinct errors at once, without duplicates", () => {
    const problems = validator.validate(kustomization({ prune: "yes", timeout: 5, sourceRef: { kind: "Git", name: "x" } }));
    expect(problems.map((problem) => problem.path).sort()).toEqual([".spec.prune", ".spec.sourceRef.kind", ".spec.timeout"]);
  });
});

describe("metadata", () => {
  it("checks .metadata of custom resources against ObjectMeta", () => {
    const problems = validator.validate({ ...kustomization(), metadata: { ...metadata, annotationz: { a: "b" } } });
    expect(problems).toEqual([{ path: ".metadata.annotationz", message: expect.stringContaining('did you mean "annotations"?') }]);
  });

  it("requires metadata.name", () => {
    expect(validator.validate({ ...kustomization(), metadata: { namespace: "flux-system" } })).toEqual([
      { path: ".metadata.name", message: "required field is missing" },
    ]);
    const withoutMetadata: Record<string, unknown> = kustomization();
    delete withoutMetadata.metadata;
    expect(validator.validate(withoutMetadata)).toEqual([{ path: ".metadata", message: "required field is missing" }]);
  });

  it("checks label values and renders keys that are not identifiers with brackets", () => {
    const problems = validator.validate({ ...kustomization(), metadata: { ...metadata, labels: { "app.kubernetes.io/name": 3 } } });
    expect(problems).toEqual([{ path: '.metadata.labels["app.kubernetes.io/name"]', message: "expected string, got number 3" }]);
  });
});

describe("kinds without a schema", () => {
  it("reports an unknown kind once, at the root", () => {
    expect(validator.validate({ apiVersion: "example.com/v1", kind: "Widget", metadata, spec: { x: 1 } })).toEqual([
      {
        path: "",
        message:
          "no schema is known for example.com/v1 Widget: it is not a Kubernetes 1.34 core kind, so its CustomResourceDefinition must be vendored and passed to createValidator",
      },
    ]);
  });

  it("rejects a version the CRD does not serve", () => {
    expect(validator.validate({ ...helmRelease(), apiVersion: "helm.toolkit.fluxcd.io/v2beta1" })).toEqual([
      {
        path: "",
        message: "no schema is known for helm.toolkit.fluxcd.io/v2beta1 HelmRelease: the vendored CRD helmreleases.helm.toolkit.fluxcd.io serves v2, not this version",
      },
    ]);
  });

  it("points at the served version of a core kind", () => {
    expect(validator.validate({ apiVersion: "apps/v1beta1", kind: "Deployment", metadata })).toEqual([
      { path: "", message: expect.stringContaining("Kubernetes 1.34 knows Deployment only as apps/v1") },
    ]);
  });

  it("reports objects without apiVersion or kind", () => {
    expect(validator.validate({ kind: "Namespace", metadata })).toEqual([{ path: ".apiVersion", message: "required field is missing" }]);
    expect(validator.validate("Namespace")).toEqual([
      { path: "", message: "expected a Kubernetes object (a mapping with apiVersion and kind)" },
    ]);
  });

  it("refuses input that is not a CRD", () => {
    expect(() => createValidator({ crds: [{ apiVersion: "v1", kind: "Namespace" }] })).toThrow(/crds\[0\] is not .*CustomResourceDefinition/);
  });
});

describe("Karpenter CRDs", () => {
  const karpenter = () => createValidator({ crds: readCrds(KARPENTER_CRDS) });
  const nodeClass = (apiVersion: string, spec: Record<string, unknown>) => ({ apiVersion, kind: "AKSNodeClass", metadata: { name: "default" }, spec });
  const subnet = "/subscriptions/123/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/nodes";

  it("compiles both served AKSNodeClass versions, with Go's (?i) pattern flag", () => {
    const validator = karpenter();
    for (const apiVersion of ["karpenter.azure.com/v1alpha2", "karpenter.azure.com/v1beta1"]) {
      expect(validator.validate(nodeClass(apiVersion, { imageFamily: "AzureLinux", vnetSubnetID: subnet.toUpperCase() }))).toEqual([]);
      expect(validator.validate(nodeClass(apiVersion, { osDiskSizeGB: 10, vnetSubnetID: "/subnets/x" })).map((p) => p.path)).toEqual([
        ".spec.osDiskSizeGB",
        ".spec.vnetSubnetID",
      ]);
    }
  });

  it("honours x-kubernetes-int-or-string in map values", () => {
    const nodePool = (limits: Record<string, unknown>) => ({
      apiVersion: "karpenter.sh/v1",
      kind: "NodePool",
      metadata: { name: "default" },
      spec: {
        limits,
        template: {
          spec: {
            nodeClassRef: { group: "karpenter.azure.com", kind: "AKSNodeClass", name: "default" },
            requirements: [{ key: "kubernetes.io/arch", operator: "In", values: ["amd64"] }],
          },
        },
      },
    });
    const validator = karpenter();
    expect(validator.validate(nodePool({ cpu: 100, memory: "400Gi" }))).toEqual([]);
    expect(validator.validate(nodePool({ cpu: true, memory: "lots" }))).toEqual([
      { path: ".spec.limits.cpu", message: "expected integer or string, got boolean true" },
      { path: ".spec.limits.memory", message: expect.stringMatching(/^must match the pattern .*; got string "lots"$/) },
    ]);
  });
});
