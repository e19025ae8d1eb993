import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { karpenterCrdFiles, readKarpenterCrds } from "../src/crd-files.js";
import * as azure from "../src/imports/azure.js";
import * as karpenter from "../src/imports/karpenter.js";

describe("the vendored CRDs", () => {
  it("are the NodePool and NodeClaim of karpenter.sh and the AKSNodeClass of the v1.14.2 release", () => {
    expect(karpenterCrdFiles().map((file) => basename(file))).toEqual([
      "aksnodeclasses.karpenter.azure.com.yaml",
      "nodeclaims.karpenter.sh.yaml",
      "nodepools.karpenter.sh.yaml",
    ]);
    const nodeClass = readFileSync(karpenterCrdFiles()[0]!, "utf8");
    // The release copy: no trustedLaunch (main only), FIPS rejected for both Ubuntu 22.04 and 24.04.
    expect(nodeClass).not.toContain("trustedLaunch");
    expect(nodeClass).toContain("FIPS is not yet supported for Ubuntu2204 or Ubuntu2404");
    expect(nodeClass).not.toContain("osDiskType");
  });

  it("crds.json holds exactly the CRDs of the YAML files, in file order", async () => {
    const fromYaml = karpenterCrdFiles().flatMap((file) =>
      parseAllDocuments(readFileSync(file, "utf8"))
        .map((document) => document.toJS() as unknown)
        .filter((document) => document !== null && document !== undefined),
    );
    expect(fromYaml).toHaveLength(3);
    expect(await readKarpenterCrds()).toEqual(fromYaml);
  });

  it("the L1 classes emit karpenter.sh/v1 and karpenter.azure.com/v1beta1 (v1alpha2 is the deprecated class)", () => {
    expect(karpenter.NodePool.GVK).toEqual({ apiVersion: "karpenter.sh/v1", kind: "NodePool" });
    expect(azure.AksNodeClassV1Beta1.GVK).toEqual({ apiVersion: "karpenter.azure.com/v1beta1", kind: "AKSNodeClass" });
    expect(azure.AksNodeClass.GVK.apiVersion).toBe("karpenter.azure.com/v1alpha2");
  });
});
