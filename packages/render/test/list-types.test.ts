import { describe, expect, it } from "vitest";
import { kubernetesListType } from "../src/validate/index.js";

const deployment = { apiVersion: "apps/v1", kind: "Deployment" };
const podSpec = ["spec", "template", "spec"];

describe("kubernetesListType: how server-side apply merges a core kind's list", () => {
  it("gives the list-map keys of the lists a pod template merges by key", () => {
    expect(kubernetesListType({ ...deployment, path: [...podSpec, "containers"] })).toEqual({ type: "map", keys: ["name"] });
    expect(kubernetesListType({ ...deployment, path: [...podSpec, "containers", 0, "ports"] })).toEqual({ type: "map", keys: ["containerPort", "protocol"] });
    expect(kubernetesListType({ ...deployment, path: [...podSpec, "initContainers", 3, "env"] })).toEqual({ type: "map", keys: ["name"] });
    expect(kubernetesListType({ ...deployment, path: [...podSpec, "containers", 0, "volumeMounts"] })).toEqual({ type: "map", keys: ["mountPath"] });
    expect(kubernetesListType({ ...deployment, path: [...podSpec, "volumes"] })).toEqual({ type: "map", keys: ["name"] });
    expect(kubernetesListType({ apiVersion: "v1", kind: "Service", path: ["spec", "ports"] })).toEqual({ type: "map", keys: ["port", "protocol"] });
  });

  it("tells atomic lists and sets apart, through map values and metadata", () => {
    expect(kubernetesListType({ ...deployment, path: [...podSpec, "containers", 0, "args"] })).toEqual({ type: "atomic" });
    expect(kubernetesListType({ ...deployment, path: [...podSpec, "tolerations"] })).toEqual({ type: "atomic" });
    expect(kubernetesListType({ apiVersion: "v1", kind: "ConfigMap", path: ["metadata", "finalizers"] })).toEqual({ type: "set" });
    expect(kubernetesListType({ apiVersion: "v1", kind: "ConfigMap", path: ["metadata", "ownerReferences"] })).toEqual({ type: "map", keys: ["uid"] });
  });

  it("answers undefined for what is not a list of a core kind", () => {
    expect(kubernetesListType({ ...deployment, path: [...podSpec, "containers", 0] })).toBeUndefined();
    expect(kubernetesListType({ ...deployment, path: ["metadata", "labels"] })).toBeUndefined();
    expect(kubernetesListType({ ...deployment, path: [...podSpec, "containerz"] })).toBeUndefined();
    expect(kubernetesListType({ apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", path: ["spec"] })).toBeUndefined();
  });

  it("reads the schema of the version asked for", () => {
    const claims = { apiVersion: "resource.k8s.io/v1", kind: "ResourceClaim", path: ["spec", "devices", "requests"] };
    expect(kubernetesListType({ ...claims, kubernetesVersion: "1.34" })).toEqual({ type: "atomic" });
    expect(kubernetesListType({ ...claims, kubernetesVersion: "1.28" })).toBeUndefined();
    // 1.28 gives env no list type; the API server merges it by its strategic-merge key, as 1.34 does by its list-map key.
    expect(kubernetesListType({ ...deployment, kubernetesVersion: "1.28", path: [...podSpec, "containers", 0, "env"] })).toEqual({ type: "map", keys: ["name"] });
    expect(() => kubernetesListType({ ...claims, kubernetesVersion: "1.99" })).toThrow("kubernetesVersion: no Kubernetes 1.99 schema ships with flotilla");
  });
});
