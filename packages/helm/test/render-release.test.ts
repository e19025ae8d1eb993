import { describe, expect, it } from "vitest";
import { composeValues, releaseNameOf, renderRelease, type RenderedObject } from "../src/index.js";
import { context, helmRelease } from "./support.js";

const find = (objects: RenderedObject[], kind: string, name: string) => objects.find((entry) => entry.object.kind === kind && (entry.object.metadata as { name?: string }).name === name);

describe("renderRelease with real Helm 4 and the vendored charts", () => {
  it("renders argo-workflows as helm-controller installs it: default release name, targetNamespace, origin labels, values", async () => {
    const release = helmRelease("workflows", "argo-workflows", "0.47.5", { targetNamespace: "argo", values: { controller: { replicas: 3 } } });
    const result = await renderRelease(release, await context());
    expect(result.problems).toEqual([]);
    expect(result.releaseName).toBe("argo-workflows");
    expect(result.namespace).toBe("argo");
    const controller = find(result.objects, "Deployment", "argo-workflows-workflow-controller");
    expect(controller).toMatchObject({ namespace: "argo", phase: "template", source: "argo-workflows/templates/controller/workflow-controller-deployment.yaml" });
    expect((controller!.object.spec as { replicas: number }).replicas).toBe(3);
    // helm-controller's origin labels on every object, the chart's own labels kept
    expect((controller!.object.metadata as { labels: Record<string, string> }).labels).toMatchObject({
      "helm.toolkit.fluxcd.io/name": "workflows",
      "helm.toolkit.fluxcd.io/namespace": "flux-system",
      "app.kubernetes.io/instance": "argo-workflows",
    });
    for (const { object } of result.objects) expect((object.metadata as { labels?: Record<string, string> }).labels?.["helm.toolkit.fluxcd.io/name"]).toBe("workflows");
    // cluster-scoped objects have no namespace
    expect(find(result.objects, "ClusterRole", "argo-workflows-view")?.namespace ?? "").toBe("");
  });

  it("applies the post-renderers' patches and images with the real kustomize, and commonMetadata on metadata only", async () => {
    const release = helmRelease("flyte", "flyte-core", "v1.16.8", {
      releaseName: "flyte",
      targetNamespace: "flyte",
      commonMetadata: { annotations: { team: "ml" } },
      postRenderers: [
        { kustomize: { images: [{ name: "cr.flyte.org/flyteorg/flyteadmin-release", newName: "crmldev.azurecr.io/flyteadmin", newTag: "v9" }] } },
        { kustomize: { patches: [{ target: { kind: "Deployment", name: "flyteadmin" }, patch: '[{"op":"add","path":"/spec/template/metadata/labels/azure.workload.identity~1use","value":"true"}]' }] } },
      ],
    });
    const result = await renderRelease(release, await context());
    expect(result.problems).toEqual([]);
    const admin = find(result.objects, "Deployment", "flyteadmin")!.object as { metadata: { annotations: Record<string, string> }; spec: { template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: { containers: { image: string }[] } } } };
    expect(admin.spec.template.metadata.labels["azure.workload.identity/use"]).toBe("true");
    expect(admin.spec.template.spec.containers[0]!.image).toBe("crmldev.azurecr.io/flyteadmin:v9");
    expect(admin.metadata.annotations.team).toBe("ml");
    expect(admin.spec.template.metadata.annotations?.team).toBeUndefined();
  });

  it("reports a chart output kustomize cannot parse (duplicate keys): helm-controller's post-render fails the install", async () => {
    const result = await renderRelease(helmRelease("metaflow", "metaflow", "0.1.2", { targetNamespace: "metaflow" }), await context());
    expect(result.objects).toEqual([]);
    expect(result.problems).toEqual([{ field: "spec.values", message: expect.stringMatching(/^kustomize cannot parse the chart.s output \(metaflow\/charts\/metaflow-ui\/templates\/static_service\.yaml repeats "app\.kubernetes\.io\/name"[^)]*\), and helm-controller always post-renders it \(its origin labels\): .*mapping key "app\.kubernetes\.io\/name" already defined/) }]);
  });

  it("installs the chart's crds/ per install.crds (origin labels, not post-rendered) and leaves them out with Skip", async () => {
    const base = { targetNamespace: "kube-system", values: { settings: { clusterName: "dev" } } };
    const created = await renderRelease(helmRelease("karpenter", "karpenter", "1.14.2", base), await context());
    expect(created.problems).toEqual([]);
    const crds = created.objects.filter((entry) => entry.phase === "crd");
    expect(crds.map((entry) => (entry.object.metadata as { name: string }).name).sort()).toEqual(["aksnodeclasses.karpenter.azure.com", "nodeclaims.karpenter.sh", "nodeoverlays.karpenter.sh", "nodepools.karpenter.sh"]);
    expect((crds[0]!.object.metadata as { labels: Record<string, string> }).labels["helm.toolkit.fluxcd.io/name"]).toBe("karpenter");
    const skipped = await renderRelease(helmRelease("karpenter", "karpenter", "1.14.2", { ...base, install: { crds: "Skip" } }), await context());
    expect(skipped.objects.filter((entry) => entry.phase === "crd")).toEqual([]);
    expect(skipped.objects.length).toBe(created.objects.length - 4);
  });

  it("names the missing non-optional valuesFrom ConfigMap, and skips an optional one", async () => {
    const release = helmRelease("workflows", "argo-workflows", "0.47.5", { valuesFrom: [{ kind: "ConfigMap", name: "absent" }, { kind: "ConfigMap", name: "also-absent", optional: true }] });
    const result = await renderRelease(release, await context());
    expect(result.problems).toEqual([{ field: "spec.valuesFrom[0]", message: expect.stringContaining("ConfigMap flux-system/absent does not exist in the cluster") }]);
    expect(result.objects).toEqual([]);
  });

  it("uses the chart version's own archive, and says when there is none", async () => {
    const result = await renderRelease(helmRelease("workflows", "argo-workflows", "0.46.0"), await context());
    expect(result.problems).toEqual([{ field: "spec.chart.spec", message: expect.stringContaining("no archive of chart argo-workflows 0.46.0") }]);
  });

  it("reports a template failure with Helm's message", async () => {
    const result = await renderRelease(helmRelease("workflows", "argo-workflows", "0.47.5", { values: { controller: { podLabels: "not-a-map" } } }), await context());
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ field: "spec.values", message: expect.stringMatching(/^helm template failed \(argo-workflows 0\.47\.5\): Error: YAML parse error on argo-workflows\/templates\/controller\/workflow-controller-deployment\.yaml/) });
  });
});

describe("values as helm-controller composes them", () => {
  const configMap = (name: string, data: Record<string, string>) => ({ kind: "ConfigMap" as const, namespace: "flux-system", name, data });
  const lookup = (objects: ReturnType<typeof configMap>[]) => (kind: string, namespace: string, name: string) => objects.find((object) => object.kind === kind && object.namespace === namespace && object.name === name);

  it("merges valuesFrom in order, then values; targetPath sets one value with --set typing", () => {
    const objects = [
      configMap("a", { "values.yaml": "x: {a: 1, b: 1}\nlist: [1]\n" }),
      configMap("b", { custom: "x: {b: 2}\n", replicas: "3", quoted: '"007"', text: "a,b" }),
    ];
    const { values, problems } = composeValues(
      "flux-system",
      {
        valuesFrom: [
          { kind: "ConfigMap", name: "a" },
          { kind: "ConfigMap", name: "b", valuesKey: "custom" },
          { kind: "ConfigMap", name: "b", valuesKey: "replicas", targetPath: "deep.nested\\.key[1].replicas" },
          { kind: "ConfigMap", name: "b", valuesKey: "quoted", targetPath: "version" },
          { kind: "ConfigMap", name: "b", valuesKey: "text", targetPath: "literal", literal: true },
        ],
        values: { x: { c: 3 }, list: [2] },
      },
      lookup(objects),
    );
    expect(problems).toEqual([]);
    expect(values).toEqual({ x: { a: 1, b: 2, c: 3 }, list: [2], deep: { "nested.key": [null, { replicas: 3 }] }, version: "007", literal: "a,b" });
  });

  it("reports a comma in a non-literal targetPath value as Helm's --set parser does", () => {
    const { problems } = composeValues("flux-system", { valuesFrom: [{ kind: "ConfigMap", name: "b", valuesKey: "text", targetPath: "t" }] }, lookup([configMap("b", { text: "a,b" })]));
    expect(problems).toEqual([{ field: "spec.valuesFrom[0]", message: expect.stringContaining('key "b" has no value') }]);
  });

  it("reports a missing key unless optional", () => {
    const objects = [configMap("a", { other: "" })];
    expect(composeValues("flux-system", { valuesFrom: [{ kind: "ConfigMap", name: "a" }] }, lookup(objects)).problems[0]?.message).toContain('has no key "values.yaml"');
    expect(composeValues("flux-system", { valuesFrom: [{ kind: "ConfigMap", name: "a", optional: true }] }, lookup(objects)).problems).toEqual([]);
  });
});

describe("release names", () => {
  const named = (spec: Record<string, unknown>, name = "podinfo") => ({ metadata: { name, namespace: "flux-system" }, spec });
  it("defaults to <targetNamespace>-<name>, else the name; an explicit releaseName wins", () => {
    expect(releaseNameOf(named({}))).toBe("podinfo");
    expect(releaseNameOf(named({ targetNamespace: "apps" }))).toBe("apps-podinfo");
    expect(releaseNameOf(named({ targetNamespace: "apps", releaseName: "web" }))).toBe("web");
  });
  it("shortens names over 53 characters as helm-controller does (40 characters, '-', 12 hex of the sha256)", () => {
    const long = releaseNameOf(named({ targetNamespace: "a-very-long-target-namespace-name" }, "and-a-rather-long-release"));
    expect(long).toBe("a-very-long-target-namespace-name-and-a--df6cc1013260");
    expect(long).toHaveLength(53);
  });
});
