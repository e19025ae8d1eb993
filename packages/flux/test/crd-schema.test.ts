import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Manifest } from "./support/synth.js";
import { CrdValidator, crdValidator, strictSchema } from "./support/crd-schema.js";

const git = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: "source.toolkit.fluxcd.io/v1",
  kind: "GitRepository",
  metadata: { name: "repo", namespace: "flux-system" },
  spec,
  ...extra,
});

describe("strictSchema()", () => {
  it("closes object schemas with properties, but not preserved/open ones", () => {
    const schema = {
      type: "object",
      properties: {
        a: { type: "object", properties: { b: { type: "string" } } },
        values: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { x: { type: "string" } } },
        labels: { type: "object", additionalProperties: { type: "string" } },
        list: { type: "array", items: { type: "object", properties: { c: { type: "string" } } } },
      },
    };
    const strict = strictSchema(schema) as Manifest;
    expect(strict.additionalProperties).toBe(false);
    expect(strict.properties.a.additionalProperties).toBe(false);
    expect(strict.properties.values.additionalProperties).toBeUndefined();
    expect(strict.properties.labels.additionalProperties).toEqual({ type: "string" });
    expect(strict.properties.list.items.additionalProperties).toBe(false);
    expect((schema as Manifest).additionalProperties).toBeUndefined(); // input untouched
  });
});

describe("CrdValidator", () => {
  const v = crdValidator();

  it("knows the served version of every vendored CRD (one each)", () => {
    expect(v.kinds).toEqual([
      "helm.toolkit.fluxcd.io/v2|HelmRelease",
      "image.toolkit.fluxcd.io/v1|ImagePolicy",
      "image.toolkit.fluxcd.io/v1|ImageRepository",
      "image.toolkit.fluxcd.io/v1|ImageUpdateAutomation",
      "kustomize.toolkit.fluxcd.io/v1|Kustomization",
      "notification.toolkit.fluxcd.io/v1beta3|Alert",
      "notification.toolkit.fluxcd.io/v1beta3|Provider",
      "notification.toolkit.fluxcd.io/v1|Receiver",
      "source.toolkit.fluxcd.io/v1|Bucket",
      "source.toolkit.fluxcd.io/v1|GitRepository",
      "source.toolkit.fluxcd.io/v1|HelmChart",
      "source.toolkit.fluxcd.io/v1|HelmRepository",
      "source.toolkit.fluxcd.io/v1|OCIRepository",
    ]);
  });

  it("accepts a valid manifest", () => {
    expect(v.errors(git({ url: "https://example.com/r", interval: "1m", ref: { branch: "main" } }))).toEqual([]);
  });

  it("rejects unknown fields at any depth", () => {
    expect(v.errors(git({ url: "https://example.com/r", interval: "1m", branch: "main" })).join("\n")).toMatch(/must NOT have additional properties \(branch\)/);
    expect(v.errors(git({ url: "https://example.com/r", interval: "1m", ref: { brnach: "main" } })).join("\n")).toMatch(/spec\/ref must NOT have additional properties \(brnach\)/);
    expect(v.errors(git({ url: "https://example.com/r", interval: "1m" }, { status: {} })).join("\n")).toMatch(/unexpected top-level fields status/);
  });

  it("rejects enum, pattern and required violations", () => {
    const errors = v.errors(git({ url: "git@github.com:o/r.git", interval: "1d", provider: "gitlab" })).join("\n");
    expect(errors).toMatch(/spec\/url must match pattern/);
    expect(errors).toMatch(/spec\/interval must match pattern/);
    expect(errors).toMatch(/spec\/provider must be equal to one of the allowed values/);
    expect(v.errors(git({ url: "https://example.com/r" })).join("\n")).toMatch(/must have required property 'interval'/);
  });

  it("rejects apiVersions that are not served", () => {
    expect(v.errors({ ...git({ url: "https://e.com/r", interval: "1m" }), apiVersion: "source.toolkit.fluxcd.io/v1beta2" })).toEqual([
      "GitRepository flux-system/repo: no served CRD version for apiVersion source.toolkit.fluxcd.io/v1beta2 kind GitRepository",
    ]);
  });

  it("evaluates the CEL rules of the schema", () => {
    const hr = (spec: Record<string, unknown>) => ({
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name: "x", namespace: "flux-system" },
      spec: { interval: "1m", ...spec },
    });
    expect(v.errors(hr({})).join("\n")).toMatch(/CEL rule failed/);
    expect(v.errors(hr({ chartRef: { kind: "OCIRepository", name: "a" } }))).toEqual([]);
    expect(v.errors(git({ url: "https://e.com/r", interval: "1m", serviceAccountName: "sa" })).join("\n")).toMatch(/CEL rule failed/);
  });

  it("reports CEL rules it has no equivalent for instead of skipping them", () => {
    const errors = v.errors({
      apiVersion: "image.toolkit.fluxcd.io/v1",
      kind: "ImagePolicy",
      metadata: { name: "x", namespace: "flux-system" },
      spec: { imageRepositoryRef: { name: "x" }, policy: { alphabetical: {} } },
    });
    expect(errors.join("\n")).toMatch(/CEL rule has no test equivalent/);
  });

  it("can be built for a subset of CRD files", () => {
    const only = new CrdValidator([fileURLToPath(new URL("../crds/gitrepositories.source.toolkit.fluxcd.io.yaml", import.meta.url))]);
    expect(only.kinds).toEqual(["source.toolkit.fluxcd.io/v1|GitRepository"]);
  });
});
