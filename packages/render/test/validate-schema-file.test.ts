import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const GENERATOR = fileURLToPath(new URL("../scripts/generate-k8s-schema.mjs", import.meta.url));
const COMMITTED = fileURLToPath(new URL("../schemas/kubernetes-1.28.json", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "k8s-schema-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Definition {
  properties?: Record<string, unknown>;
  required?: string[];
  additionalProperties?: unknown;
}

describe("schemas/kubernetes-1.28.json", () => {
  const committed = readFileSync(COMMITTED, "utf8");
  const schema = JSON.parse(committed) as { definitions: Record<string, Definition>; kinds: Record<string, Record<string, string>> };

  it("is exactly what the generator produces from cdk8s-plus-28", () => {
    const output = join(scratch, "kubernetes.json");
    execFileSync(process.execPath, [GENERATOR, output], { stdio: "pipe" });
    expect(readFileSync(output, "utf8") === committed).toBe(true);
  });

  it("maps TypeScript property names to the real JSON keys", () => {
    const serviceSpec = schema.definitions["io.k8s.api.core.v1.ServiceSpec"]?.properties ?? {};
    expect(Object.keys(serviceSpec)).toContain("clusterIP");
    expect(Object.keys(serviceSpec)).not.toContain("clusterIp");
    const jsonSchemaProps = schema.definitions["io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"]?.properties ?? {};
    expect(Object.keys(jsonSchemaProps)).toEqual(expect.arrayContaining(["$ref", "x-kubernetes-preserve-unknown-fields"]));
  });

  it("is strict, lists required fields, and maps every apiVersion/kind to a definition", () => {
    const objects = Object.values(schema.definitions).filter((definition) => definition.properties);
    expect(objects.every((definition) => definition.additionalProperties === false)).toBe(true);
    expect(schema.definitions["io.k8s.api.core.v1.Container"]?.required).toEqual(["name"]);
    expect(schema.kinds["apps/v1"]?.Deployment).toBe("io.k8s.api.apps.v1.Deployment");
    expect(schema.kinds.v1?.Namespace).toBe("io.k8s.api.core.v1.Namespace");
    for (const byKind of Object.values(schema.kinds)) {
      for (const definition of Object.values(byKind)) {
        expect(Object.keys(schema.definitions[definition]?.properties ?? {})).toEqual(expect.arrayContaining(["apiVersion", "kind"]));
      }
    }
  });
});
