/**
 * ClusterChart renders whatever platforms it is given, from the `Platform` interface alone (this
 * package imports no platform package): one layer each, in registry order, depending on the
 * layers of the platforms it requires; what one platform contributes reaches the other's render.
 */
import { App } from "cdk8s";
import { Construct } from "constructs";
import { describe, expect, it } from "vitest";
import { type AnyPlatform, type ClusterSpec, clusterSpecSchemaFor, DEFAULT_KUBERNETES_VERSION, definePlatforms, KUBERNETES_VERSION_ANNOTATION } from "@flotilla/fleet";
import { checkedString, strictObject } from "@flotilla/fleet/platform";
import { DEFAULT_FLUX_NAMESPACE, HelmReleaseFor, HelmRepositorySource } from "@flotilla/flux";
import { type IdentityOutputs, planClusterIdentities } from "@flotilla/workload-identity";
import { ClusterChart, clusterDocuments } from "../src/index.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const SUBSCRIPTION = "0b1f6471-1bf0-4dda-aec3-cb9272f09590";

/** A platform whose release records what it was given: its client ID and the contributions it received. */
function testPlatform(key: string, extra: Partial<AnyPlatform> = {}): AnyPlatform {
  return {
    key,
    name: key,
    title: key,
    chart: { url: "https://charts.example.com", chart: key, version: "1.0.0", releaseName: key },
    spec: {
      schema: strictObject(`${key}: { namespace? }`, { namespace: checkedString("the namespace", () => undefined).optional() }),
      defaultNamespace: key,
      defaults: (parsed: { namespace?: string }) => ({ namespace: parsed.namespace ?? key }),
    },
    identities: (spec: { namespace: string }) => [
      { platform: key, key, purpose: `${key} test`, serviceAccounts: [{ namespace: spec.namespace, name: key }], serviceAccountsField: "namespace", roles: [] },
    ],
    render(scope, context) {
      const construct = new Construct(scope, key);
      const repository = new HelmRepositorySource(construct, { id: "repository", name: key, namespace: DEFAULT_FLUX_NAMESPACE, url: "https://charts.example.com", interval: "1h" });
      const release = new HelmReleaseFor(construct, {
        id: "release",
        name: key,
        namespace: DEFAULT_FLUX_NAMESPACE,
        targetNamespace: context.spec.namespace,
        chart: { chart: key, version: "1.0.0", sourceRef: repository },
        values: { clientId: context.identityAnnotation(key).value, received: context.contributions },
      });
      return { release };
    },
    ...extra,
  };
}

const base = testPlatform("base");
const dependent = testPlatform("dependent", {
  requires: [{ platform: "base", reason: "Dependent runs on Base" }],
  contributions: (spec: { namespace: string }) => ({ base: [{ serviceAccount: `${spec.namespace}/dependent-tasks` }] }),
});
const REGISTRY = definePlatforms([base, dependent]);

function spec(platforms: Record<string, unknown>, extra: Record<string, unknown> = {}): ClusterSpec {
  return clusterSpecSchemaFor(REGISTRY).parse({
    ...extra,
    name: "dev",
    azure: {
      tenantId: TENANT,
      subscriptionId: SUBSCRIPTION,
      resourceGroup: "rg-dev",
      location: "westeurope",
      oidcIssuerUrl: `https://westeurope.oic.prod-aks.azure.com/${TENANT}/2f8b9a3c-5d1e-4c7a-9b6f-0e2d4a8c1b35/`,
    },
    git: { url: "https://github.com/contoso/fleet" },
    platforms,
  });
}

function chartOf(cluster: ClusterSpec, platforms = REGISTRY): ClusterChart {
  const { plan, problems } = planClusterIdentities(cluster, platforms);
  expect(problems).toEqual([]);
  const outputs: IdentityOutputs = {
    cluster: "dev",
    tenantId: TENANT,
    identities: Object.fromEntries(plan.identities.map((identity, i) => [identity.key, { clientId: `11111111-1111-4111-8111-00000000000${i}`, principalId: `p${i}`, resourceId: identity.resourceId }])),
  };
  return new ClusterChart(new App(), cluster, { platforms, identities: { plan, outputs } });
}

type Json = { kind: string; metadata: { name: string; annotations?: Record<string, string> }; spec: Record<string, unknown> };

describe("ClusterChart over the registered platforms", () => {
  it("one layer per enabled platform in registry order; a required platform's layer comes first; contributions reach their target", () => {
    const chart = chartOf(spec({ dependent: {}, base: { namespace: "base-ns" } }));
    expect(chart.platformLayers.map((layer) => layer.dir)).toEqual(["platform-base", "platform-dependent"]);
    const objects = clusterDocuments(chart).documents.map((document) => document.object as Json);
    const kustomization = (name: string) => objects.find((object) => object.kind === "Kustomization" && object.metadata.name === name)!;
    expect(kustomization("platform-dependent").spec.dependsOn).toEqual([{ name: "infrastructure" }, { name: "platform-base" }]);
    expect(kustomization("platform-base").spec.dependsOn).toEqual([{ name: "infrastructure" }]);
    const release = (name: string) => objects.find((object) => object.kind === "HelmRelease" && object.metadata.name === name)!;
    expect(release("base").spec.values).toEqual({ clientId: "11111111-1111-4111-8111-000000000000", received: [{ serviceAccount: "dependent/dependent-tasks" }] });
    expect(release("dependent").spec.values).toEqual({ clientId: "11111111-1111-4111-8111-000000000001", received: [] });
    expect(objects.filter((object) => object.kind === "Namespace").map((object) => object.metadata.name)).toEqual(["base-ns", "dependent"]);
  });

  it("refuses a section no registered platform owns, and a contribution to a platform the cluster does not enable", () => {
    const cluster = spec({ base: {} });
    expect(() => chartOf(cluster, definePlatforms([]))).toThrow(/platforms\.base is not a registered platform/);
    const stray = testPlatform("stray", { contributions: () => ({ base: [1] }) });
    const registry = definePlatforms([base, stray]);
    const strayOnly = clusterSpecSchemaFor(registry).parse({ ...spec({}), platforms: { stray: {} } });
    expect(() => chartOf(strayOnly, registry)).toThrow(/platforms\.stray contributes to platforms\.base, which the cluster does not enable/);
  });

  it("every HelmRelease records the cluster's Kubernetes version (what its chart is rendered for)", () => {
    for (const [extra, version] of [[{}, DEFAULT_KUBERNETES_VERSION], [{ kubernetesVersion: "1.35" }, "1.35"]] as const) {
      const objects = clusterDocuments(chartOf(spec({ dependent: {}, base: {} }, extra))).documents.map((document) => document.object as Json);
      const releases = objects.filter((object) => object.kind === "HelmRelease");
      expect(releases.map((release) => release.metadata.name)).toEqual(["base", "dependent"]);
      for (const release of releases) expect(release.metadata.annotations).toEqual({ [KUBERNETES_VERSION_ANNOTATION]: version });
    }
  });
});
