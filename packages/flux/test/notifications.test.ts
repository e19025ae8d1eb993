import { describe, expect, it } from "vitest";
import { controllerIdentityComponent, FluxAlert, NotificationProvider } from "../src/index.js";
import { expectValidManifests, manifestProblems } from "./support/crd-schema.js";
import { synth } from "./support/synth.js";

describe("NotificationProvider and FluxAlert", () => {
  it("emit a Teams Provider and an Alert that validate against the vendored CRDs", () => {
    const manifests = synth((chart) => {
      const provider = new NotificationProvider(chart, { name: "teams", type: "msteams", secretRef: "teams-webhook" });
      new FluxAlert(chart, {
        name: "teams",
        id: "alert",
        provider,
        eventSources: [
          { kind: "Kustomization", name: "*", namespace: "flux-system" },
          { kind: "HelmRelease", name: "*", namespace: "flyte" },
        ],
      });
    });
    expect(manifests.map((m) => `${m.apiVersion} ${m.kind}`)).toEqual([
      "notification.toolkit.fluxcd.io/v1beta3 Provider",
      "notification.toolkit.fluxcd.io/v1beta3 Alert",
    ]);
    expect(manifests[0]!.spec).toEqual({ type: "msteams", secretRef: { name: "teams-webhook" } });
    expect(manifests[1]!.spec).toMatchObject({ providerRef: { name: "teams" }, eventSeverity: "error" });
    expectValidManifests(manifests);
  });

  it("every offered type is in the vendored CRD's enum; commit status providers need the repository URL", () => {
    for (const type of ["msteams", "azureeventhub", "azuredevops", "github"] as const) {
      const manifests = synth((chart) => new NotificationProvider(chart, { name: "p", type, secretRef: "s", address: "https://dev.azure.com/contoso/ml/_git/fleet" }));
      expectValidManifests(manifests);
    }
    expect(() => synth((chart) => new NotificationProvider(chart, { name: "p", type: "azuredevops", secretRef: "s" }))).toThrow(/needs address: the repository's https:\/\/ URL/);
  });

  it("the validator rejects a Provider type outside the CRD enum (the test can fail)", () => {
    const [provider] = synth((chart) => new NotificationProvider(chart, { name: "p", type: "msteams", secretRef: "s" }));
    const wrong = { ...provider!, spec: { ...(provider!.spec as object), type: "teams" } };
    expect(manifestProblems(wrong).length).toBeGreaterThan(0);
  });
});

describe("controllerIdentityComponent", () => {
  it("annotates each controller's ServiceAccount and labels their Deployments' pods", () => {
    const component = controllerIdentityComponent([
      { controller: "source-controller", clientId: "c2" },
      { controller: "kustomize-controller", clientId: "c1" },
    ]);
    expect(component.kind).toBe("Component");
    expect(component.patches.map((p) => p.target)).toEqual([
      { kind: "ServiceAccount", name: "kustomize-controller" },
      { kind: "ServiceAccount", name: "source-controller" },
      { kind: "Deployment", name: "(kustomize-controller|source-controller)" },
    ]);
    expect(component.patches[0]!.patch).toContain('azure.workload.identity/client-id: "c1"');
    expect(component.patches[2]!.patch).toContain('azure.workload.identity/use: "true"');
    expect(() => controllerIdentityComponent([])).toThrow(/no controllers/);
  });

  it("marks a controller whose identity is pending instead of giving it a client ID", () => {
    const component = controllerIdentityComponent([
      { controller: "source-controller", pendingIdentity: "flux-source-controller" },
      { controller: "kustomize-controller", clientId: "c1" },
    ]);
    expect(component.patches[1]!.patch).toContain('flotilla.dev/pending-identity: "flux-source-controller"');
    expect(component.patches[1]!.patch).not.toContain("client-id");
    expect(() => controllerIdentityComponent([{ controller: "source-controller" }])).toThrow("needs exactly one of clientId and pendingIdentity");
  });
});
