import { describe, expect, it } from "vitest";
import { clusterSchemaValidators, createSchemaValidator } from "../src/schema-validator.js";

const pod = (spec: Record<string, unknown>) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "trainer", namespace: "ml" },
  spec: { containers: [{ name: "main", image: "trainer:1" }], ...spec },
});

describe("each cluster's schema validator is its Kubernetes version's", () => {
  it("loads one validator per version and checks a cluster's objects for its own version", async () => {
    const loaded: string[] = [];
    const validatorOf = await clusterSchemaValidators(new Map([["dev", "1.34"], ["staging", "1.34.3"], ["prod", "1.35.1"]]), (version) => {
      loaded.push(version);
      return createSchemaValidator(version);
    });
    expect(loaded.sort()).toEqual(["1.34", "1.34.3", "1.35.1"].sort());
    // PodSpec.workloadRef is new in Kubernetes 1.35.
    const grouped = pod({ workloadRef: { name: "training", podGroup: "workers" } });
    expect(validatorOf("prod").validate(grouped)).toEqual([]);
    expect(validatorOf("dev").validate(grouped)).toEqual([{ path: ".spec.workloadRef", message: expect.stringContaining("unknown field") }]);
    expect(validatorOf("staging").validate(grouped)).toEqual([{ path: ".spec.workloadRef", message: expect.stringContaining("unknown field") }]);
    expect(() => validatorOf("qa")).toThrow("no schema validator for cluster qa");
  });

  it("refuses a version whose schema does not ship, naming the field", async () => {
    await expect(clusterSchemaValidators(new Map([["dev", "1.37"]]))).rejects.toThrow(/^kubernetesVersion: no Kubernetes 1\.37 schema ships with flotilla \(supported: /);
  });
});
