import { describe, expect, it } from "vitest";
import { Testing, Yaml } from "cdk8s";
import {
  FluxKustomization,
  HelmReleaseFor,
  HelmRepositorySource,
  OciRepositorySource,
  type HelmReleaseForProps,
} from "../src/index.js";
import { expectValidManifests } from "./support/crd-schema.js";
import { synthOne } from "./support/synth.js";

const jetstack = { kind: "HelmRepository", name: "jetstack" } as const;

const build = (props: Partial<HelmReleaseForProps> = {}) =>
  synthOne(
    (chart) =>
      new HelmReleaseFor(chart, {
        name: "cert-manager",
        targetNamespace: "cert-manager",
        chart: { chart: "cert-manager", version: "1.16.1", sourceRef: jetstack },
        ...props,
      }),
  );

const DEFAULT_INSTALL = { crds: "CreateReplace", remediation: { retries: 3 } };
const DEFAULT_UPGRADE = { crds: "CreateReplace", remediation: { retries: 3, remediateLastFailure: true }, cleanupOnFail: true };

describe("HelmReleaseFor", () => {
  it("emits a HelmRelease with the documented defaults", () => {
    const m = build();
    expect(m).toEqual({
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name: "cert-manager", namespace: "flux-system" },
      spec: {
        targetNamespace: "cert-manager",
        chart: { spec: { chart: "cert-manager", version: "1.16.1", sourceRef: { kind: "HelmRepository", name: "jetstack" } } },
        interval: "30m",
        install: DEFAULT_INSTALL,
        upgrade: DEFAULT_UPGRADE,
      },
    });
    expectValidManifests([m]);
  });

  it("applies every override", () => {
    const m = build({
      namespace: "platform",
      releaseName: "cert-manager",
      chart: { chart: "cert-manager", version: ">=1.16.0 <1.17.0", sourceRef: { ...jetstack, namespace: "flux-system" }, interval: "1h" },
      interval: "10m",
      install: { crds: "Create", createNamespace: true, remediation: { retries: -1 } },
      upgrade: { crds: "Skip", cleanupOnFail: false, remediation: { retries: 5, remediateLastFailure: false, strategy: "uninstall" } },
      values: { crds: { enabled: false }, replicaCount: 2, podLabels: { team: "platform" }, resources: null },
      valuesFrom: [
        { kind: "ConfigMap", name: "cert-manager-values" },
        { kind: "Secret", name: "cert-manager-secrets", valuesKey: "token", targetPath: "webhook.extraArgs[0]", optional: true },
      ],
      dependsOn: ["cilium", { name: "kyverno", namespace: "security" }],
      postRenderers: [
        { patch: "- op: add\n  path: /metadata/labels/azure.workload.identity~1use\n  value: \"true\"\n", target: { kind: "Deployment", name: "cert-manager" } },
        { patch: "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: cert-manager\n" },
      ],
      timeout: "10m",
      driftDetection: { mode: "enabled", ignore: [{ paths: ["/spec/replicas"], target: { kind: "Deployment" } }] },
    });
    expect(m.metadata).toEqual({ name: "cert-manager", namespace: "platform" });
    expect(m.spec).toEqual({
      releaseName: "cert-manager",
      targetNamespace: "cert-manager",
      chart: {
        spec: { chart: "cert-manager", version: ">=1.16.0 <1.17.0", sourceRef: { kind: "HelmRepository", name: "jetstack", namespace: "flux-system" }, interval: "1h" },
      },
      interval: "10m",
      install: { crds: "Create", createNamespace: true, remediation: { retries: -1 } },
      upgrade: { crds: "Skip", cleanupOnFail: false, remediation: { retries: 5, remediateLastFailure: false, strategy: "uninstall" } },
      values: { crds: { enabled: false }, replicaCount: 2, podLabels: { team: "platform" }, resources: null },
      valuesFrom: [
        { kind: "ConfigMap", name: "cert-manager-values" },
        { kind: "Secret", name: "cert-manager-secrets", valuesKey: "token", targetPath: "webhook.extraArgs[0]", optional: true },
      ],
      dependsOn: [{ name: "cilium" }, { name: "kyverno", namespace: "security" }],
      postRenderers: [
        {
          kustomize: {
            patches: [
              { patch: "- op: add\n  path: /metadata/labels/azure.workload.identity~1use\n  value: \"true\"\n", target: { kind: "Deployment", name: "cert-manager" } },
              { patch: "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: cert-manager\n" },
            ],
          },
        },
      ],
      timeout: "10m",
      driftDetection: { mode: "enabled", ignore: [{ paths: ["/spec/replicas"], target: { kind: "Deployment" } }] },
    });
    expectValidManifests([m]);
  });

  it("merges partial install/upgrade overrides with the defaults", () => {
    const m = build({ install: { createNamespace: true }, upgrade: { remediation: { strategy: "rollback" } } });
    expect(m.spec.install).toEqual({ ...DEFAULT_INSTALL, createNamespace: true });
    expect(m.spec.upgrade).toEqual({ ...DEFAULT_UPGRADE, remediation: { retries: 3, remediateLastFailure: true, strategy: "rollback" } });
    expectValidManifests([m]);
  });

  it("keeps null values (unset chart defaults) through YAML synthesis, and snapshots values", () => {
    const values: Record<string, unknown> = { resources: null, nested: { a: null, b: [1, null] } };
    const chart = Testing.chart();
    new HelmReleaseFor(chart, { name: "x", targetNamespace: "x", chart: { chart: "x", version: "1.0.0", sourceRef: jetstack }, values });
    values.later = true;
    const [m] = chart.toJson();
    expect(m.spec.values).toEqual({ resources: null, nested: { a: null, b: [1, null] } });
    expect(Yaml.stringify(m)).toMatch(/resources: null/);
  });

  it("setValue sets one value below spec.values, creating maps and keeping their other keys", () => {
    const chart = Testing.chart();
    const values = { image: { repository: "a", pullPolicy: "IfNotPresent" }, "a/b": { "c~d": 1 } };
    const release = new HelmReleaseFor(chart, { name: "x", targetNamespace: "x", chart: { chart: "x", version: "1.0.0", sourceRef: jetstack }, values });
    release.setValue(["image", "repository"], "crmldev.azurecr.io/x");
    release.setValue(["image", "tag"], "1.2.3");
    release.setValue(["sub", "image", "tag"], "v2");
    release.setValue(["a/b", "c~d"], 2);
    release.setValue(["sub", "image", "tag"], "v3");
    const [m] = chart.toJson();
    expect(m.spec.values).toEqual({
      image: { repository: "crmldev.azurecr.io/x", pullPolicy: "IfNotPresent", tag: "1.2.3" },
      "a/b": { "c~d": 2 },
      sub: { image: { tag: "v3" } },
    });
    expect(values.image).toEqual({ repository: "a", pullPolicy: "IfNotPresent" });
  });

  it("setValue creates spec.values when the props had none, and rejects an empty path", () => {
    const chart = Testing.chart();
    const release = new HelmReleaseFor(chart, { name: "x", targetNamespace: "x", chart: { chart: "x", version: "1.0.0", sourceRef: jetstack } });
    release.setValue(["image"], "crmldev.azurecr.io/x:1");
    expect(chart.toJson()[0].spec.values).toEqual({ image: "crmldev.azurecr.io/x:1" });
    expect(() => release.setValue([], 1)).toThrow(/setValue needs a path of non-empty keys/);
  });

  it("references an OCIRepository through chartRef", () => {
    const chart = Testing.chart();
    const oci = new OciRepositorySource(chart, {
      name: "podinfo",
      url: "oci://ghcr.io/stefanprodan/charts/podinfo",
      ref: { semver: ">=6.7.0 <6.8.0" },
      layerSelector: OciRepositorySource.HELM_CHART_LAYER,
    });
    const hr = new HelmReleaseFor(chart, { id: "podinfo-release", name: "podinfo", targetNamespace: "podinfo", chartRef: oci });
    const crossNs = new HelmReleaseFor(chart, { id: "podinfo-apps", name: "podinfo", namespace: "apps", targetNamespace: "podinfo", chartRef: oci, dependsOn: [hr] });
    const out = chart.toJson();
    expect(out[1].spec).toEqual({
      targetNamespace: "podinfo",
      chartRef: { kind: "OCIRepository", name: "podinfo" },
      interval: "30m",
      install: DEFAULT_INSTALL,
      upgrade: DEFAULT_UPGRADE,
    });
    expect(out[2].spec.chartRef).toEqual({ kind: "OCIRepository", name: "podinfo", namespace: "flux-system" });
    expect(out[2].spec.dependsOn).toEqual([{ name: "podinfo", namespace: "flux-system" }]);
    expect([hr.kind, hr.apiVersion, hr.name, hr.namespace, hr.targetNamespace]).toEqual(["HelmRelease", "helm.toolkit.fluxcd.io/v2", "podinfo", "flux-system", "podinfo"]);
    expect(crossNs.node.id).toBe("podinfo-apps");
    expect(oci.node.id).toBe("podinfo");
    expectValidManifests(out);
  });

  it("takes a HelmRepositorySource and adds dependencies after construction", () => {
    const chart = Testing.chart();
    const repo = new HelmRepositorySource(chart, { name: "acr", url: "oci://acme.azurecr.io/helm", type: "oci", provider: "azure" });
    const cilium = new HelmReleaseFor(chart, { name: "cilium", targetNamespace: "kube-system", chart: { chart: "cilium", version: "~1.16.0", sourceRef: repo } });
    const hr = new HelmReleaseFor(chart, { name: "hubble-ui", targetNamespace: "kube-system", chart: { chart: "hubble-ui", version: "^1.2.3", sourceRef: repo } });
    hr.addDependency(cilium);
    hr.addDependency("cilium");
    const out = Testing.synth(chart);
    expect(out[2].spec.chart.spec.sourceRef).toEqual({ kind: "HelmRepository", name: "acr" });
    expect(out[2].spec.dependsOn).toEqual([{ name: "cilium" }]);
    expectValidManifests(out);
  });

  it.each(["1.16.1", ">=1.16.0 <1.17.0", "~1.16.0", "^1.2.3", "1.16.x", "<2.0.0", "1.2.3 || >=2.0.0 <2.1.0", " 1.16.1 "])("accepts the pinned version %j", (version) => {
    const m = build({ chart: { chart: "cert-manager", version, sourceRef: jetstack } });
    expect(m.spec.chart.spec.version).toBe(version.trim());
  });

  it.each(["", "   ", "*", "x", "X", "*.*.*", ">=1.0.0", ">0", "1.2.3 || *", undefined])("rejects the unpinned version %j", (version) => {
    expect(() => build({ chart: { chart: "cert-manager", version: version as string, sourceRef: jetstack } })).toThrow(
      /HelmReleaseFor "cert-manager": chart.version must pin the chart .* Charts must be pinned/,
    );
  });

  it("rejects other invalid input with clear messages", () => {
    expect(() => build({ chartRef: { kind: "OCIRepository", name: "x" } })).toThrow(/set exactly one of chart .* or chartRef/);
    expect(() => build({ chart: undefined })).toThrow(/set exactly one of chart .* or chartRef/);
    expect(() => build({ chart: undefined, chartRef: { kind: "HelmChart", name: "x" } as never })).toThrow(/chartRef must be an OciRepositorySource/);
    expect(() => build({ chart: { chart: "x", version: "1.0.0", sourceRef: { kind: "GitRepository", name: "g" } as never } })).toThrow(
      /chart.sourceRef must be a HelmRepositorySource .*got kind "GitRepository"/,
    );
    expect(() => build({ chart: { chart: "", version: "1.0.0", sourceRef: jetstack } })).toThrow(/chart.chart \(the chart name\) is required/);
    expect(() => build({ releaseName: "a".repeat(54) })).toThrow(/releaseName must be a lowercase DNS name of at most 53 characters/);
    expect(() => build({ targetNamespace: undefined as never })).toThrow(/targetNamespace must be an RFC 1123 DNS label/);
    expect(() => build({ dependsOn: ["cert-manager"] })).toThrow(/cannot depend on itself/);
    expect(() => build({ install: { remediation: { retries: 1.5 } } })).toThrow(/install.remediation.retries must be an integer/);
    expect(() => build({ install: { crds: "Replace" as never } })).toThrow(/install.crds must be one of "Skip", "Create", "CreateReplace"/);
    expect(() => build({ upgrade: { remediation: { strategy: "retry" as never } } })).toThrow(/upgrade.remediation.strategy must be one of "rollback", "uninstall"/);
    expect(() => build({ valuesFrom: [{ kind: "ConfigMap", name: "v", valuesKey: "a/b" }] })).toThrow(/valuesKey must match/);
    expect(() => build({ valuesFrom: [{ kind: "ConfigMap", name: "v", targetPath: "a b" }] })).toThrow(/targetPath must be a values path/);
    expect(() => build({ valuesFrom: [{ kind: "Namespace" as never, name: "v" }] })).toThrow(/valuesFrom\[\].kind must be one of "ConfigMap", "Secret"/);
    expect(() => build({ values: [] as never })).toThrow(/values must be an object/);
    expect(() => build({ postRenderers: [{ patch: "" }] })).toThrow(/postRenderers\[\].patch must be a non-empty patch string/);
    expect(() => build({ driftDetection: { mode: "on" as never } })).toThrow(/driftDetection.mode must be one of "enabled", "warn", "disabled"/);
    expect(() => build({ driftDetection: { mode: "warn", ignore: [{ paths: [] }] } })).toThrow(/ignore\[\].paths must list at least one JSON pointer/);
    expect(() => build({ timeout: "5 minutes" })).toThrow(/timeout must be a duration/);
  });

  it("rejects depending on something that is not a HelmRelease", () => {
    const chart = Testing.chart();
    const ks = new FluxKustomization(chart, { name: "infra", path: "./infra", sourceRef: { kind: "GitRepository", name: "flux-system" } });
    const hr = new HelmReleaseFor(chart, { name: "x", targetNamespace: "x", chart: { chart: "x", version: "1.0.0", sourceRef: jetstack } });
    expect(() => hr.addDependency(ks)).toThrow(/dependsOn can only reference HelmReleases; got a Kustomization \("infra"\)/);
  });
});
