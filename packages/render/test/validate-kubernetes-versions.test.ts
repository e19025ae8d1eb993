import { describe, expect, it } from "vitest";
import { createValidator, DEFAULT_KUBERNETES_VERSION, KUBERNETES_VERSIONS } from "../src/validate/index.js";

const v128 = createValidator({ crds: [], kubernetesVersion: "1.28" });
const v134 = createValidator({ crds: [], kubernetesVersion: "1.34" });
const v135 = createValidator({ crds: [], kubernetesVersion: "1.35" });
const metadata = { name: "trainer", namespace: "ml" };

function pod(spec: Record<string, unknown>) {
  return { apiVersion: "v1", kind: "Pod", metadata, spec: { containers: [{ name: "main", image: "trainer:1" }], ...spec } };
}

describe("core kinds are checked for the cluster's Kubernetes version", () => {
  it("ships the versions it names, and defaults to 1.34", () => {
    expect(KUBERNETES_VERSIONS).toEqual(["1.28", "1.34", "1.35"]);
    expect(DEFAULT_KUBERNETES_VERSION).toBe("1.34");
    const defaulted = createValidator({ crds: [] });
    expect(defaulted.validate(pod({ hostnameOverride: "trainer-0" }))).toEqual([]);
  });

  it("refuses a field 1.34 removed: PodResourceClaim.source (1.28) became resourceClaimName", () => {
    const claimed1_28 = pod({ resourceClaims: [{ name: "gpu", source: { resourceClaimName: "gpu-claim" } }] });
    expect(v128.validate(claimed1_28)).toEqual([]);
    expect(v134.validate(claimed1_28)).toEqual([
      { path: ".spec.resourceClaims[0].source", message: "unknown field (known fields: name, resourceClaimName, resourceClaimTemplateName)" },
    ]);

    const claimed1_34 = pod({ resourceClaims: [{ name: "gpu", resourceClaimName: "gpu-claim" }] });
    expect(v134.validate(claimed1_34)).toEqual([]);
    expect(v128.validate(claimed1_34)).toEqual([
      { path: ".spec.resourceClaims[0].resourceClaimName", message: "unknown field (known fields: source, name)" },
    ]);
  });

  it("accepts fields new since 1.29 only from the version that has them", () => {
    const hostname = pod({ hostnameOverride: "trainer-0" });
    expect(v134.validate(hostname)).toEqual([]);
    expect(v128.validate(hostname)).toEqual([{ path: ".spec.hostnameOverride", message: expect.stringMatching(/^unknown field \(known fields: hostname, /) }]);
    const stopSignal = pod({ containers: [{ name: "main", image: "trainer:1", lifecycle: { stopSignal: "SIGUSR1" } }] });
    expect(v134.validate(stopSignal)).toEqual([]);
    expect(v128.validate(stopSignal)).toEqual([{ path: ".spec.containers[0].lifecycle.stopSignal", message: expect.stringContaining("unknown field") }]);
  });

  it("knows resource.k8s.io/v1 (GA in 1.34), and which versions an API group had", () => {
    const deviceClass = {
      apiVersion: "resource.k8s.io/v1",
      kind: "DeviceClass",
      metadata: { name: "gpu.example.com" },
      spec: { selectors: [{ cel: { expression: 'device.driver == "gpu.example.com"' } }] },
    };
    expect(v134.validate(deviceClass)).toEqual([]);
    expect(v135.validate(deviceClass)).toEqual([]);
    expect(v128.validate(deviceClass)).toEqual([
      {
        path: "",
        message:
          "no schema is known for resource.k8s.io/v1 DeviceClass: it is not a Kubernetes 1.28 core kind, so its CustomResourceDefinition must be vendored and passed to createValidator",
      },
    ]);
    const claim = {
      apiVersion: "resource.k8s.io/v1",
      kind: "ResourceClaim",
      metadata,
      spec: { devices: { requests: [{ name: "gpu", exactly: { deviceClassName: "gpu.example.com", count: 1 } }] } },
    };
    expect(v134.validate(claim)).toEqual([]);
    // v1alpha2 (1.28) is gone: the message names the versions 1.34 serves.
    expect(v134.validate({ ...claim, apiVersion: "resource.k8s.io/v1alpha2" })).toEqual([
      { path: "", message: expect.stringMatching(/^no schema is known for resource.k8s.io\/v1alpha2 ResourceClaim: Kubernetes 1.34 knows ResourceClaim only as resource.k8s.io\/v1, /) },
    ]);
    expect(v128.validate({ ...claim, apiVersion: "resource.k8s.io/v1alpha2", spec: { resourceClassName: "gpu" } })).toEqual([]);
  });

  it("is strict: unknown fields are errors at any depth, status is part of the schema", () => {
    const claim = {
      apiVersion: "resource.k8s.io/v1",
      kind: "ResourceClaim",
      metadata,
      spec: { devices: { requests: [{ name: "gpu", exactly: { deviceClassName: "gpu.example.com", cuont: 1 } }] } },
    };
    expect(v134.validate(claim)).toEqual([
      { path: ".spec.devices.requests[0].exactly.cuont", message: expect.stringContaining('unknown field (did you mean "count"?') },
    ]);
    expect(v134.validate({ ...pod({}), status: { phase: "Running" } })).toEqual([]);
    expect(v134.validate({ ...pod({}), status: { phaze: "Running" } })).toEqual([
      { path: ".status.phaze", message: expect.stringContaining('did you mean "phase"?') },
    ]);
  });

  it("checks integer fields as integers of their format (the OpenAPI types, not TypeScript's number)", () => {
    const replicas = (value: unknown) => ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata,
      spec: { replicas: value, selector: { matchLabels: { app: "t" } }, template: { metadata: { labels: { app: "t" } }, spec: pod({}).spec } },
    });
    expect(v134.validate(replicas(3))).toEqual([]);
    expect(v134.validate(replicas(1.5))).toEqual([{ path: ".spec.replicas", message: "expected integer, got number 1.5" }]);
    expect(v134.validate(replicas(2 ** 31))).toEqual([{ path: ".spec.replicas", message: "must be a valid int32; got number 2147483648" }]);
  });

  it("honours the schema's x-kubernetes semantics: int-or-string, quantities, sets, free-form objects", () => {
    const port = (targetPort: unknown) => ({ apiVersion: "v1", kind: "Service", metadata, spec: { ports: [{ port: 80, targetPort }] } });
    expect(v134.validate(port("http"))).toEqual([]);
    expect(v134.validate(port(8080))).toEqual([]);
    expect(v134.validate(port(true))).toEqual([{ path: ".spec.ports[0].targetPort", message: "expected integer or string, got boolean true" }]);
    const limits = (memory: unknown) => pod({ containers: [{ name: "main", resources: { limits: { memory } } }] });
    expect(v134.validate(limits("1Gi"))).toEqual([]);
    expect(v134.validate(limits(1024))).toEqual([]);
    expect(v134.validate(limits(["1Gi"]))).toEqual([{ path: ".spec.containers[0].resources.limits.memory", message: "expected number or string, got an array" }]);
    // metadata.finalizers is a set (x-kubernetes-list-type: set): server-side apply refuses duplicates.
    expect(v134.validate({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", finalizers: ["x", "x"] } })).toEqual([
      { path: ".metadata.finalizers", message: "must not contain duplicates (items 0 and 1 are equal)" },
    ]);
    // RawExtension has no properties: any object.
    const revision = { apiVersion: "apps/v1", kind: "ControllerRevision", metadata, revision: 1, data: { spec: { anything: [1, "two"] } } };
    expect(v134.validate(revision)).toEqual([]);
  });

  it("refuses an unsupported version at once, naming the field and the supported versions", () => {
    expect(() => createValidator({ crds: [], kubernetesVersion: "1.36" })).toThrow(
      "kubernetesVersion: no Kubernetes 1.36 schema ships with flotilla (supported: 1.28, 1.34, 1.35)",
    );
    expect(() => createValidator({ crds: [], kubernetesVersion: "1.36.1" })).toThrow("kubernetesVersion: no Kubernetes 1.36 schema ships");
    expect(() => createValidator({ crds: [], kubernetesVersion: "v1.34.2" })).toThrow(
      'kubernetesVersion: expected "1.MINOR" or "1.MINOR.PATCH" of 1.28, 1.34, 1.35; got "v1.34.2"',
    );
    // A patch release has its minor's API.
    expect(createValidator({ crds: [], kubernetesVersion: "1.34.2" }).validate(pod({ hostnameOverride: "t" }))).toEqual([]);
  });
});

describe("what the API server's decoding of built-in kinds allows", () => {
  it("takes a null field as unset (charts render `key: null`), but not a null list item", () => {
    const ingress = { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata, spec: { ingressClassName: null, rules: [{ host: null, http: null }] } };
    expect(v134.validate(ingress)).toEqual([]);
    expect(v134.validate({ ...pod({}), spec: { containers: [null] } })).toEqual([{ path: ".spec.containers[0]", message: "expected object, got null" }]);
  });
});

describe("kubernetesApiVersions: Kubernetes' own APIs as Helm's Capabilities.APIVersions holds them", () => {
  it("lists group/version and group/version/Kind of the version's built-in kinds", async () => {
    const { kubernetesApiVersions } = await import("../src/validate/index.js");
    const v134 = kubernetesApiVersions("1.34.1");
    expect(v134).toEqual(expect.arrayContaining(["v1", "v1/Pod", "apps/v1/Deployment", "apiextensions.k8s.io/v1/CustomResourceDefinition", "resource.k8s.io/v1/DeviceClass"]));
    expect(v134).not.toContain("v1/PodList");
    expect(v134).not.toContain("apiextensions.k8s.io/v1beta1");
    expect(kubernetesApiVersions("1.28")).not.toContain("resource.k8s.io/v1");
  });
});
