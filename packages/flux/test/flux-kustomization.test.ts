import { describe, expect, it } from "vitest";
import { Testing } from "cdk8s";
import {
  FluxKustomization,
  GitRepositorySource,
  HelmReleaseFor,
  HelmRepositorySource,
  OciRepositorySource,
  type FluxKustomizationProps,
} from "../src/index.js";
import { expectValidManifests } from "./support/crd-schema.js";
import { synthOne } from "./support/synth.js";

const gitRef = { kind: "GitRepository", name: "flux-system" } as const;

const build = (props: Partial<FluxKustomizationProps> = {}) =>
  synthOne((chart) => new FluxKustomization(chart, { name: "apps", path: "./apps/prod", sourceRef: gitRef, ...props }));

describe("FluxKustomization", () => {
  it("emits a Kustomization with the documented defaults", () => {
    const m = build();
    expect(m).toEqual({
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name: "apps", namespace: "flux-system" },
      spec: {
        path: "./apps/prod",
        sourceRef: { kind: "GitRepository", name: "flux-system" },
        interval: "10m",
        retryInterval: "2m",
        timeout: "5m",
        prune: true,
        wait: false,
        force: false,
      },
    });
    expectValidManifests([m]);
  });

  it("applies every override", () => {
    const m = build({
      namespace: "tenants",
      path: "./",
      sourceRef: { kind: "OCIRepository", name: "tenant-manifests", namespace: "flux-system" },
      interval: "1h",
      retryInterval: "30s",
      timeout: "10m",
      prune: false,
      wait: true,
      force: true,
      targetNamespace: "team-a",
      serviceAccountName: "team-a-reconciler",
      decryption: { provider: "sops", secretRef: "sops-age" },
      postBuild: {
        substitute: { cluster_name: "aks-prod-weu", _REGION: "westeurope" },
        substituteFrom: [
          { kind: "ConfigMap", name: "cluster-vars" },
          { kind: "Secret", name: "cluster-secrets", optional: true },
        ],
      },
      healthChecks: [{ apiVersion: "apps/v1", kind: "Deployment", name: "api", namespace: "team-a" }],
      dependsOn: ["infra", { name: "crds", namespace: "flux-system" }],
    });
    expect(m.metadata).toEqual({ name: "apps", namespace: "tenants" });
    expect(m.spec).toEqual({
      path: "./",
      sourceRef: { kind: "OCIRepository", name: "tenant-manifests", namespace: "flux-system" },
      interval: "1h",
      retryInterval: "30s",
      timeout: "10m",
      prune: false,
      wait: true,
      force: true,
      targetNamespace: "team-a",
      serviceAccountName: "team-a-reconciler",
      decryption: { provider: "sops", secretRef: { name: "sops-age" } },
      postBuild: {
        substitute: { cluster_name: "aks-prod-weu", _REGION: "westeurope" },
        substituteFrom: [
          { kind: "ConfigMap", name: "cluster-vars" },
          { kind: "Secret", name: "cluster-secrets", optional: true },
        ],
      },
      healthChecks: [{ apiVersion: "apps/v1", kind: "Deployment", name: "api", namespace: "team-a" }],
      dependsOn: [{ name: "infra" }, { name: "crds", namespace: "flux-system" }],
    });
    expectValidManifests([m]);
  });

  it("defaults the decryption provider to sops", () => {
    const m = build({ decryption: {} });
    expect(m.spec.decryption).toEqual({ provider: "sops" });
    expectValidManifests([m]);
  });

  it("takes L2 source constructs as sourceRef, emitting the namespace only when it differs", () => {
    const chart = Testing.chart();
    const git = new GitRepositorySource(chart, { name: "fleet", url: "https://github.com/acme/fleet" });
    const oci = new OciRepositorySource(chart, { name: "bundle", namespace: "sources", url: "oci://acme.azurecr.io/bundle", ref: { tag: "1.0.0" } });
    const a = new FluxKustomization(chart, { name: "a", path: "./a", sourceRef: git });
    const b = new FluxKustomization(chart, { name: "b", path: "./b", sourceRef: oci });
    const c = new FluxKustomization(chart, { name: "c", namespace: "sources", path: "./c", sourceRef: oci });
    const out = chart.toJson();
    expect(out.find((m) => m.metadata.name === "a").spec.sourceRef).toEqual({ kind: "GitRepository", name: "fleet" });
    expect(out.find((m) => m.metadata.name === "b").spec.sourceRef).toEqual({ kind: "OCIRepository", name: "bundle", namespace: "sources" });
    expect(out.find((m) => m.metadata.name === "c").spec.sourceRef).toEqual({ kind: "OCIRepository", name: "bundle" });
    expect([a.apiObject.name, b.apiObject.name, c.apiObject.name]).toEqual(["a", "b", "c"]);
    expectValidManifests(out);
  });

  it("adds dependencies and health checks after construction (deduplicated)", () => {
    const chart = Testing.chart();
    const infra = new FluxKustomization(chart, { name: "infra", path: "./infra", sourceRef: gitRef });
    const other = new FluxKustomization(chart, { name: "platform", namespace: "platform", path: "./platform", sourceRef: { ...gitRef, namespace: "flux-system" } });
    const repo = new HelmRepositorySource(chart, { name: "jetstack", url: "https://charts.jetstack.io" });
    const certManager = new HelmReleaseFor(chart, {
      name: "cert-manager",
      targetNamespace: "cert-manager",
      chart: { chart: "cert-manager", version: "1.16.1", sourceRef: repo },
    });
    const apps = new FluxKustomization(chart, { name: "apps", path: "./apps", sourceRef: gitRef, dependsOn: [infra] });
    apps.addDependency(infra);
    apps.addDependency("infra");
    apps.addDependency(other);
    apps.addHealthCheck(certManager);
    apps.addHealthCheck(certManager, { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "apps" });
    const m = Testing.synth(chart).find((x) => x.kind === "Kustomization" && x.metadata.name === "apps");
    expect(m.spec.dependsOn).toEqual([{ name: "infra" }, { name: "platform", namespace: "platform" }]);
    expect(m.spec.healthChecks).toEqual([
      { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", name: "cert-manager", namespace: "flux-system" },
      { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "apps" },
    ]);
    expectValidManifests(Testing.synth(chart));
  });

  it("rejects a path that does not start with ./", () => {
    for (const path of ["apps/prod", "/apps/prod", "../apps", "", "."]) {
      expect(() => build({ path })).toThrow(`FluxKustomization "apps": path must be relative to the source root and start with "./"`);
    }
  });

  it("rejects other invalid input with clear messages", () => {
    expect(() => build({ sourceRef: { kind: "HelmRepository", name: "x" } as never })).toThrow(
      /sourceRef.kind must be one of "GitRepository", "OCIRepository", "Bucket", "ExternalArtifact"; got "HelmRepository"/,
    );
    expect(() => build({ sourceRef: undefined as never })).toThrow(/sourceRef is required/);
    expect(() => build({ dependsOn: ["apps"] })).toThrow(/cannot depend on itself/);
    expect(() => build({ retryInterval: "2 minutes" })).toThrow(/retryInterval must be a duration/);
    expect(() => build({ targetNamespace: "Team_A" })).toThrow(/targetNamespace must be an RFC 1123 DNS label/);
    expect(() => build({ postBuild: { substitute: { "cluster-name": "x" } } })).toThrow(/variable names must match/);
    expect(() => build({ postBuild: { substitute: { replicas: 3 as never } } })).toThrow(/postBuild.substitute.replicas must be a string/);
    expect(() => build({ postBuild: { substituteFrom: [{ kind: "Namespace" as never, name: "x" }] } })).toThrow(/substituteFrom\[\].kind must be one of "ConfigMap", "Secret"/);
    expect(() => build({ decryption: { provider: "vault" as never } })).toThrow(/decryption.provider must be one of "sops"/);
    expect(() => build({ healthChecks: [{ apiVersion: "apps/v1", kind: "Deployment", name: "x" } as never] })).toThrow(/healthChecks entries need a non-empty namespace/);
  });

  it("rejects depending on something that is not a Kustomization", () => {
    const chart = Testing.chart();
    const repo = new HelmRepositorySource(chart, { name: "jetstack", url: "https://charts.jetstack.io" });
    const hr = new HelmReleaseFor(chart, { name: "cert-manager", targetNamespace: "cert-manager", chart: { chart: "cert-manager", version: "1.16.1", sourceRef: repo } });
    const ks = new FluxKustomization(chart, { name: "apps", path: "./apps", sourceRef: gitRef });
    // A HelmReleaseFor structurally matches { name, namespace }: caught at runtime.
    expect(() => ks.addDependency(hr)).toThrow(/dependsOn can only reference Kustomizations; got a HelmRelease \("cert-manager"\)/);
  });
});
