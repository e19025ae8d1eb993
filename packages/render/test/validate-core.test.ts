import { describe, expect, it } from "vitest";
import { createValidator } from "../src/validate/index.js";

// Core kinds need no CRDs: they come from the Kubernetes API schema (schemas/kubernetes-1.34.json by default).
const validator = createValidator({ crds: [] });
const metadata = { name: "web", namespace: "apps" };

function deployment(container: Record<string, unknown>, strategy?: Record<string, unknown>) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata,
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      ...(strategy && { strategy }),
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [container] },
      },
    },
  };
}

function service(spec: Record<string, unknown>) {
  return { apiVersion: "v1", kind: "Service", metadata, spec: { ports: [{ port: 80, targetPort: "http" }], ...spec } };
}

describe("core kinds", () => {
  it("accepts valid core objects", () => {
    const objects = [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "apps", labels: { team: "web" } } },
      { apiVersion: "v1", kind: "ServiceAccount", metadata, automountServiceAccountToken: false },
      { apiVersion: "v1", kind: "ConfigMap", metadata, data: { "app.conf": "x=1" } },
      { apiVersion: "v1", kind: "Secret", metadata, type: "Opaque", stringData: { password: "hunter2" } },
      deployment(
        { name: "web", image: "nginx:1.27", ports: [{ name: "http", containerPort: 80 }], resources: { limits: { cpu: "500m", memory: 128 } } },
        { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
      ),
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name: "reader" },
        rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }],
      },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata,
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "reader" },
        subjects: [{ kind: "ServiceAccount", name: "web", namespace: "apps" }],
      },
    ];
    for (const object of objects) expect(validator.validate(object), object.kind).toEqual([]);
  });

  it("rejects an unknown field on a Namespace", () => {
    expect(validator.validate({ apiVersion: "v1", kind: "Namespace", metadata: { name: "apps" }, bogus: true })).toEqual([
      { path: ".bogus", message: "unknown field (known fields: status, kind, spec, metadata, apiVersion)" },
    ]);
    expect(validator.validate({ apiVersion: "v1", kind: "Namespace", metadata: { name: "apps" }, spec: { finalizer: [] } })).toEqual([
      { path: ".spec.finalizer", message: 'unknown field (did you mean "finalizers"? known fields: finalizers)' },
    ]);
  });

  it("rejects a wrongly typed ServiceAccount field", () => {
    expect(validator.validate({ apiVersion: "v1", kind: "ServiceAccount", metadata, automountServiceAccountToken: "yes" })).toEqual([
      { path: ".automountServiceAccountToken", message: 'expected boolean, got string "yes"' },
    ]);
  });

  it("requires a container name deep inside a Deployment", () => {
    expect(validator.validate(deployment({ image: "nginx" }))).toEqual([
      { path: ".spec.template.spec.containers[0].name", message: "required field is missing" },
    ]);
  });

  it("rejects an int-or-string that is neither", () => {
    expect(validator.validate(deployment({ name: "web" }, { rollingUpdate: { maxSurge: true } }))).toEqual([
      { path: ".spec.strategy.rollingUpdate.maxSurge", message: "expected integer or string, got boolean true" },
    ]);
    expect(validator.validate(deployment({ name: "web" }, { rollingUpdate: { maxSurge: 1.5 } }))).toEqual([
      { path: ".spec.strategy.rollingUpdate.maxSurge", message: "expected integer or string, got number 1.5" },
    ]);
  });

  it("uses the real JSON keys, not the TypeScript property names", () => {
    expect(validator.validate(service({ clusterIP: "None" }))).toEqual([]);
    expect(validator.validate(service({ clusterIp: "None" }))).toEqual([
      { path: ".spec.clusterIp", message: expect.stringMatching(/^unknown field \(did you mean "clusterIP"\? known fields: clusterIP, /) },
    ]);
    expect(validator.validate(deployment({ name: "web" }))).toEqual([]);
  });

  it("checks metadata of core objects, including date-time fields", () => {
    expect(validator.validate({ apiVersion: "v1", kind: "Namespace", metadata: { name: "apps", annotationz: {} } })).toEqual([
      { path: ".metadata.annotationz", message: expect.stringContaining('did you mean "annotations"?') },
    ]);
    expect(validator.validate({ apiVersion: "v1", kind: "Namespace", metadata: { labels: {} } })).toEqual([
      { path: ".metadata.name", message: "required field is missing" },
    ]);
    expect(validator.validate({ apiVersion: "v1", kind: "Namespace", metadata: { name: "a", creationTimestamp: "yesterday" } })).toEqual([
      { path: ".metadata.creationTimestamp", message: 'must be a valid date-time; got string "yesterday"' },
    ]);
  });

  it("does not require a name on list kinds", () => {
    expect(validator.validate({ apiVersion: "v1", kind: "ConfigMapList", items: [{ metadata: { name: "a" }, data: { k: "v" } }] })).toEqual([]);
    expect(validator.validate({ apiVersion: "v1", kind: "ConfigMapList", items: [{ data: { k: 1 } }] })).toEqual([
      { path: ".items[0].data.k", message: "expected string, got number 1" },
    ]);
  });

  it("validates CustomResourceDefinitions themselves, with their x-kubernetes-* and $ref keys", () => {
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "widgets.example.com" },
      spec: {
        group: "example.com",
        names: { kind: "Widget", plural: "widgets" },
        scope: "Namespaced",
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { a: { $ref: "#/x" } } } },
          },
        ],
      },
    };
    expect(validator.validate(crd)).toEqual([]);
    const broken = structuredClone(crd);
    Object.assign(broken.spec.versions[0]?.schema.openAPIV3Schema ?? {}, { xKubernetesPreserveUnknownFields: true });
    expect(validator.validate(broken)).toEqual([
      {
        path: ".spec.versions[0].schema.openAPIV3Schema.xKubernetesPreserveUnknownFields",
        message: expect.stringContaining('did you mean "x-kubernetes-preserve-unknown-fields"?'),
      },
    ]);
  });
});
