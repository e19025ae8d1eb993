import type { ReleaseRender } from "@flotilla/helm";
import { createValidator } from "@flotilla/render/validate";
import { describe, expect, it } from "vitest";
import type { Manifest } from "../src/manifests/manifest.js";
import { checkReleaseSchemas } from "../src/validate/release-schema-check.js";

const release = { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "trainer", namespace: "flux-system" }, spec: {} };
const manifest = { file: "dev/platform-x/helmrelease_flux-system_trainer.yaml", cluster: "dev", dir: "platform-x", object: release, generated: true } as unknown as Manifest;

const widgetCrd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.example.com" },
  spec: {
    group: "example.com",
    names: { kind: "Widget", plural: "widgets" },
    scope: "Namespaced",
    versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { size: { type: "integer" } } } } } } }],
  },
};

function renders(objects: Record<string, unknown>[], hooks?: string[]): Map<string, ReleaseRender[]> {
  const rendered = objects.map((object) => ({ object, source: "x/templates/a.yaml", namespace: "ml", phase: hooks ? ("hook" as const) : ("template" as const), ...(hooks ? { hooks } : {}) }));
  return new Map([["dev", [{ namespace: "flux-system", name: "trainer", release, result: { objects: rendered, problems: [] } } as unknown as ReleaseRender]]]);
}

describe("checkReleaseSchemas: what a release renders is valid for its cluster", () => {
  const asked: { cluster: string; crds: number }[] = [];
  const validatorOf = async (cluster: string, crds: readonly unknown[]) => {
    asked.push({ cluster, crds: crds.length });
    return createValidator({ crds: [...crds], kubernetesVersion: "1.34" });
  };

  it("reports a rendered object's schema problem on the HelmRelease, naming the object and its template", async () => {
    const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "t", namespace: "ml" }, spec: { selector: {}, template: { spec: { containers: [{ name: "t", imagePullPolicy: 1 }] } }, replica: 2 } };
    const problems = await checkReleaseSchemas({ manifests: [manifest] }, renders([deployment]), validatorOf);
    expect(problems.map((problem) => problem.message)).toEqual([
      expect.stringMatching(/^the release renders Deployment ml\/t \(from x\/templates\/a\.yaml\), invalid at \.spec\.replica: unknown field \(did you mean "replicas"\?/),
      expect.stringMatching(/invalid at \.spec\.template\.spec\.containers\[0\]\.imagePullPolicy: expected string, got number 1/),
    ]);
    expect(problems.every((problem) => problem.check === "schema" && problem.file === manifest.file)).toBe(true);
  });

  it("checks custom resources against the CRDs the cluster's releases install, and refuses a CRD version Kubernetes removed", async () => {
    asked.length = 0;
    const widget = (size: unknown) => ({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w", namespace: "ml" }, spec: { size } });
    expect(await checkReleaseSchemas({ manifests: [manifest] }, renders([widgetCrd, widget(3)]), validatorOf)).toEqual([]);
    expect(asked).toEqual([{ cluster: "dev", crds: 1 }]);
    const bad = await checkReleaseSchemas({ manifests: [manifest] }, renders([widgetCrd, widget("big")]), validatorOf);
    expect(bad.map((problem) => problem.message)).toEqual([expect.stringContaining("invalid at .spec.size: expected integer")]);
    const old = await checkReleaseSchemas({ manifests: [manifest] }, renders([{ ...widgetCrd, apiVersion: "apiextensions.k8s.io/v1beta1" }, widget(3)]), validatorOf);
    expect(old.map((problem) => problem.message)).toEqual([
      expect.stringContaining("Kubernetes 1.34 knows CustomResourceDefinition only as apiextensions.k8s.io/v1"),
      expect.stringContaining("no schema is known for example.com/v1 Widget"),
    ]);
  });

  it("skips Helm test hooks, which helm-controller does not install", async () => {
    const broken = { apiVersion: "v1", kind: "Pod", metadata: { name: "t", namespace: "ml" }, spec: { containerz: [] } };
    expect(await checkReleaseSchemas({ manifests: [manifest] }, renders([broken], ["test"]), validatorOf)).toEqual([]);
    expect(await checkReleaseSchemas({ manifests: [manifest] }, renders([broken], ["pre-install"]), validatorOf)).toHaveLength(2);
  });
});
