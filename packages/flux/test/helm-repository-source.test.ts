import { describe, expect, it } from "vitest";
import { HelmRepositorySource, type HelmRepositorySourceProps } from "../src/index.js";
import { expectValidManifests } from "./support/crd-schema.js";
import { synthOne } from "./support/synth.js";

const build = (props: Partial<HelmRepositorySourceProps> = {}) =>
  synthOne((chart) => new HelmRepositorySource(chart, { name: "jetstack", url: "https://charts.jetstack.io", ...props }));

describe("HelmRepositorySource", () => {
  it("emits an HTTPS HelmRepository with the documented defaults", () => {
    const m = build();
    expect(m).toEqual({
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "HelmRepository",
      metadata: { name: "jetstack", namespace: "flux-system" },
      spec: { url: "https://charts.jetstack.io", interval: "1h" },
    });
    expectValidManifests([m]);
  });

  it("applies overrides for an HTTPS repository", () => {
    const m = build({ namespace: "infra", interval: "30m", secretRef: "charts-basic-auth", timeout: "30s", provider: "generic" });
    expect(m.metadata.namespace).toBe("infra");
    expect(m.spec).toEqual({
      url: "https://charts.jetstack.io",
      interval: "30m",
      secretRef: { name: "charts-basic-auth" },
      timeout: "30s",
      provider: "generic",
    });
    expectValidManifests([m]);
  });

  it("emits an OCI repository with the azure provider (ACR)", () => {
    const m = build({ name: "acr-charts", url: "oci://acme.azurecr.io/helm", type: "oci", provider: "azure" });
    expect(m.spec).toEqual({ url: "oci://acme.azurecr.io/helm", type: "oci", provider: "azure", interval: "1h" });
    expectValidManifests([m]);
  });

  it("rejects a non-generic provider on an HTTPS repository", () => {
    expect(() => build({ provider: "azure" })).toThrow(
      'HelmRepositorySource "jetstack": provider "azure" is only supported for OCI Helm repositories (type: "oci" with an oci:// url)',
    );
  });

  it("rejects URLs that do not match the type", () => {
    expect(() => build({ url: "oci://acme.azurecr.io/helm" })).toThrow(/url must start with https:\/\/ or http:\/\/ \(for an OCI registry set type: "oci"\)/);
    expect(() => build({ type: "oci", url: "https://acme.azurecr.io/helm" })).toThrow(/type "oci"\) needs a url starting with oci:\/\//);
    expect(() => build({ type: "chartmuseum" as never })).toThrow(/type must be one of "default", "oci"/);
    expect(() => build({ interval: "soon" })).toThrow(/interval must be a duration/);
  });
});
