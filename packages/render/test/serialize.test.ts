import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { toYaml } from "../src/serialize.js";

describe("toYaml", () => {
  it("puts apiVersion, kind and metadata (name, namespace) first and sorts every other key", () => {
    const yaml = toYaml({ spec: { b: 1, a: 2 }, metadata: { labels: { z: "1" }, namespace: "ns", name: "demo" }, kind: "ConfigMap", apiVersion: "v1" });
    expect(yaml).toBe("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n  namespace: ns\n  labels:\n    z: \"1\"\nspec:\n  a: 2\n  b: 1\n");
  });

  // Kubernetes tools read manifests with go-yaml v2 (sigs.k8s.io/yaml), which follows YAML 1.1:
  // a plain `N` (Karpenter's GPU SKU family) would be the boolean false there.
  it("quotes strings a YAML 1.1 reader would take for booleans, numbers or dates, and YAML 1.1 and 1.2 readers agree", () => {
    const tricky = ["N", "n", "y", "yes", "No", "on", "OFF", "1:20", "0777", "0x1F", "1e3", "3.14", "true", "null", "~", "2001-12-14", ".inf"];
    const object = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "n" }, data: Object.fromEntries(tricky.map((value, i) => [`k${i}`, value])), values: tricky };
    const yaml = toYaml(object);
    for (const value of tricky) expect(yaml).toContain(`- "${value}"\n`);
    expect(parse(yaml, { version: "1.1" })).toEqual(object);
    expect(parse(yaml, { version: "1.2" })).toEqual(object);
  });
});
