import { describe, expect, it } from "vitest";
import { App, Chart } from "cdk8s";
import { FluxKustomization, GitRepositorySource, HelmReleaseFor, HelmRepositorySource, OciRepositorySource } from "../src/index.js";
import { expectValidManifests } from "./support/crd-schema.js";

describe("an AKS cluster's Flux objects", () => {
  it("synthesizes explicitly named, schema-valid manifests", () => {
    const app = new App();
    const chart = new Chart(app, "cluster", { disableResourceNameHashes: true });

    const fleet = new GitRepositorySource(chart, {
      name: "flux-system",
      url: "https://dev.azure.com/acme/platform/_git/fleet",
      provider: "azure",
    });
    const infra = new FluxKustomization(chart, {
      id: "flux-system-kustomization",
      name: "flux-system",
      path: "./clusters/aks-prod-weu",
      sourceRef: fleet,
      decryption: { secretRef: "sops-age" },
      postBuild: { substituteFrom: [{ kind: "ConfigMap", name: "cluster-vars" }] },
    });

    const jetstack = new HelmRepositorySource(chart, { name: "jetstack", url: "https://charts.jetstack.io" });
    const certManager = new HelmReleaseFor(chart, {
      name: "cert-manager",
      targetNamespace: "cert-manager",
      install: { createNamespace: true },
      chart: { chart: "cert-manager", version: "1.16.1", sourceRef: jetstack },
      values: { crds: { enabled: true }, podLabels: { "azure.workload.identity/use": "true" } },
      driftDetection: { mode: "warn" },
    });

    const acr = new OciRepositorySource(chart, {
      name: "podinfo",
      url: "oci://acmeprod.azurecr.io/charts/podinfo",
      ref: { semver: ">=6.7.0 <6.8.0" },
      provider: "azure",
      layerSelector: OciRepositorySource.HELM_CHART_LAYER,
    });
    new HelmReleaseFor(chart, {
      id: "podinfo-release",
      name: "podinfo",
      targetNamespace: "podinfo",
      chartRef: acr,
      dependsOn: [certManager],
      valuesFrom: [{ kind: "ConfigMap", name: "podinfo-values" }],
    });

    const apps = new FluxKustomization(chart, { name: "apps", path: "./apps/aks-prod-weu", sourceRef: fleet, wait: true });
    apps.addDependency(infra);
    infra.addHealthCheck(certManager);

    const manifests = chart.toJson();
    expect(manifests.map((m) => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`)).toEqual([
      "GitRepository/flux-system/flux-system",
      "Kustomization/flux-system/flux-system",
      "HelmRepository/flux-system/jetstack",
      "HelmRelease/flux-system/cert-manager",
      "OCIRepository/flux-system/podinfo",
      "HelmRelease/flux-system/podinfo",
      "Kustomization/flux-system/apps",
    ]);
    expectValidManifests(manifests);

    const yaml = app.synthYaml();
    expect(yaml).toContain("apiVersion: helm.toolkit.fluxcd.io/v2");
    expect(yaml).not.toMatch(/name: .*-c[0-9a-f]{7}$/m); // no cdk8s hash suffixes
  });
});
