import { describe, expect, it } from "vitest";
import * as flux from "../src/index.js";

describe("package exports", () => {
  it("exports the L1 modules as namespaces", () => {
    expect(flux.source.GitRepository.GVK).toEqual({ apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository" });
    expect(flux.source.OciRepository.GVK.kind).toBe("OCIRepository");
    expect(flux.source.HelmRepository.GVK.apiVersion).toBe("source.toolkit.fluxcd.io/v1");
    expect(flux.kustomize.Kustomization.GVK).toEqual({ apiVersion: "kustomize.toolkit.fluxcd.io/v1", kind: "Kustomization" });
    expect(flux.helm.HelmRelease.GVK).toEqual({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease" });
    expect(flux.notification.Provider.GVK.apiVersion).toBe("notification.toolkit.fluxcd.io/v1beta3");
    expect(flux.notification.Receiver.GVK.apiVersion).toBe("notification.toolkit.fluxcd.io/v1");
    expect(flux.image.ImagePolicy.GVK.apiVersion).toBe("image.toolkit.fluxcd.io/v1");
  });

  it("exports the L2 constructs and helpers", () => {
    expect(Object.keys(flux).sort()).toEqual(
      [
        "COMMIT_STATUS_TYPES",
        "DEFAULT_FLUX_NAMESPACE",
        "FluxAlert",
        "ImagePolicyFor",
        "ImageUpdateAutomationFor",
        "DEFAULT_IMAGE_UPDATE_MESSAGE",
        "NotificationProvider",
        "controllerIdentityComponent",
        "FluxKustomization",
        "GitRepositorySource",
        "HelmReleaseFor",
        "HelmRepositorySource",
        "OciRepositorySource",
        "fluxCrdFiles",
        "fluxCrdsJsonFile",
        "helm",
        "image",
        "kustomize",
        "notification",
        "readFluxCrds",
        "source",
      ].sort(),
    );
    expect(flux.DEFAULT_FLUX_NAMESPACE).toBe("flux-system");
  });
});
