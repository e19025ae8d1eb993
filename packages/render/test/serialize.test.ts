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
    // Beyond YAML 1.1: what go-yaml v2 hands to Go's strconv parsers.
    tricky.push("0o14", "0O14", "0b101", "1_000", "+Inf", "-infinity", "NaN", "0x1p-2", ".5");
    const object = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "n" }, data: Object.fromEntries(tricky.map((value, i) => [`k${i}`, value])), values: tricky };
    const yaml = toYaml(object);
    for (const value of tricky) expect(yaml).toContain(`- "${value}"\n`);
    expect(parse(yaml, { version: "1.1" })).toEqual(object);
    expect(parse(yaml, { version: "1.2" })).toEqual(object);
  });

  it("quotes a `<<` key (a merge key to YAML 1.1 readers) and keys Go would read as numbers", () => {
    const object = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "demo" }, data: { "<<": "x", "0o14": "y", plain: "z" } };
    const yaml = toYaml(object);
    expect(yaml).toContain('  "<<": x\n');
    expect(yaml).toContain('  "0o14": "y"\n');
    expect(yaml).toContain("  plain: z\n");
    expect(parse(yaml, { version: "1.1", merge: true })).toEqual(object);
  });

  it("leaves ordinary strings plain: quantities, names, versions, UUIDs", () => {
    const data = { a: "10Gi", b: "500m", c: "v1.2.3", d: "flux-system", e: "0.47.5", f: "72f988bf-86f1-41af-91ab-2d7cd011db47" };
    const yaml = toYaml({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "demo" }, data });
    expect(yaml).toContain("  a: 10Gi\n  b: 500m\n  c: v1.2.3\n  d: flux-system\n  e: 0.47.5\n  f: 72f988bf-86f1-41af-91ab-2d7cd011db47\n");
  });
});
