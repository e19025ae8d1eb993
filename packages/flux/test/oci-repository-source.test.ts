import { describe, expect, it } from "vitest";
import { OciRepositorySource, type OciRepositorySourceProps } from "../src/index.js";
import { expectValidManifests } from "./support/crd-schema.js";
import { synthOne } from "./support/synth.js";

const build = (props: Partial<OciRepositorySourceProps> = {}) =>
  synthOne((chart) => new OciRepositorySource(chart, { name: "manifests", url: "oci://acme.azurecr.io/manifests/app", ref: { tag: "1.4.0" }, ...props }));

describe("OciRepositorySource", () => {
  it("emits an OCIRepository with the documented defaults", () => {
    const m = build();
    expect(m).toEqual({
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "OCIRepository",
      metadata: { name: "manifests", namespace: "flux-system" },
      spec: { url: "oci://acme.azurecr.io/manifests/app", ref: { tag: "1.4.0" }, interval: "5m", provider: "generic" },
    });
    expectValidManifests([m]);
  });

  it("applies every override (ACR with workload identity, Helm chart layer)", () => {
    const m = build({
      namespace: "apps",
      ref: { semver: ">=6.0.0 <7.0.0", semverFilter: ".*-rc.*" },
      interval: "1h",
      provider: "azure",
      secretRef: "acr-pull",
      layerSelector: OciRepositorySource.HELM_CHART_LAYER,
      timeout: "2m",
    });
    expect(m.metadata.namespace).toBe("apps");
    expect(m.spec).toEqual({
      url: "oci://acme.azurecr.io/manifests/app",
      ref: { semver: ">=6.0.0 <7.0.0", semverFilter: ".*-rc.*" },
      interval: "1h",
      provider: "azure",
      secretRef: { name: "acr-pull" },
      layerSelector: { mediaType: "application/vnd.cncf.helm.chart.content.v1.tar+gzip", operation: "copy" },
      timeout: "2m",
    });
    expectValidManifests([m]);
  });

  it("accepts a digest ref", () => {
    const digest = "sha256:" + "a".repeat(64);
    const m = build({ ref: { digest } });
    expect(m.spec.ref).toEqual({ digest });
    expectValidManifests([m]);
  });

  it("rejects invalid input with clear messages", () => {
    expect(() => build({ url: "https://acme.azurecr.io/x" })).toThrow(/url must start with oci:\/\//);
    expect(() => build({ ref: undefined as never })).toThrow(/ref is required: set exactly one of tag, semver or digest/);
    expect(() => build({ ref: {} })).toThrow(/exactly one of tag, semver or digest; got none/);
    expect(() => build({ ref: { tag: "1", semver: "1.x" } })).toThrow(/exactly one of tag, semver or digest; got tag, semver/);
    expect(() => build({ ref: { tag: "1", semverFilter: "x" } })).toThrow(/semverFilter is only valid together with ref.semver/);
    expect(() => build({ ref: { digest: "abc" } })).toThrow(/ref.digest must look like "sha256:<hex>"/);
    expect(() => build({ provider: "github" as never })).toThrow(/provider must be one of/);
    expect(() => build({ layerSelector: { operation: "unpack" as never } })).toThrow(/layerSelector.operation must be one of "extract", "copy"/);
    expect(() => build({ timeout: "1h" })).toThrow(/timeout must be a duration/);
  });
});
