/**
 * Server-side apply's list-map keys come from one source, the cluster's version of the Kubernetes
 * OpenAPI definitions the validator uses; client-go's structured-merge-diff schema of 1.34
 * (data/kubernetes-1.34-list-types.json) adds only the defaults of key fields, and must agree with
 * the definitions on every list.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { KubeObject } from "@flotilla/render";
import { kubernetesListSchema, type KubernetesFieldType } from "@flotilla/render/validate";
import { checkRenderedClusters, formatRenderedProblem } from "@flotilla/review/rendered";

type ClientGoType = { type: string } | { list: "associative" | "atomic"; keys?: string[]; element?: ClientGoType } | { map: ClientGoType };
const clientGo = JSON.parse(readFileSync(new URL("../data/kubernetes-1.34-list-types.json", import.meta.url), "utf8")) as {
  kubernetesVersion: string;
  types: Record<string, Record<string, ClientGoType>>;
};

/** The lists of a field, through list elements and map values: `:map[name] []:atomic`, "" for none. */
function clientGoLists(type: ClientGoType | undefined, at = ""): string {
  if (type === undefined || "type" in type) return "";
  if ("map" in type) return clientGoLists(type.map, `${at}{}`);
  // structured-merge-diff spells a set as an associative list without keys.
  const kind = type.list === "atomic" ? "atomic" : type.keys ? `map[${type.keys.join(",")}]` : "set";
  return listed(at, kind, clientGoLists(type.element, `${at}[]`));
}

function definitionLists(type: KubernetesFieldType | undefined, at = ""): string {
  if (type === undefined || "definition" in type) return "";
  if ("map" in type) return definitionLists(type.map, `${at}{}`);
  const kind = type.type === "map" ? `map[${type.keys!.join(",")}]` : type.type;
  return listed(at, kind, definitionLists(type.element, `${at}[]`));
}

/**
 * A list and the lists inside its elements. An atomic list with no list inside is left out: client-go's
 * reduced schema omits those of scalars, and either way no key of it is compared.
 */
function listed(at: string, kind: string, inner: string): string {
  if (kind === "atomic" && inner === "") return "";
  return [`${at}:${kind}`, inner].filter(Boolean).join(" ");
}

describe("list-map keys: the Kubernetes 1.34 OpenAPI definitions and client-go v0.34.9's server-side apply schema", () => {
  it("agree on every list of every type both describe", () => {
    const schema = kubernetesListSchema("1.34");
    expect(clientGo.kubernetesVersion).toBe("1.34.9");
    const disagreements: string[] = [];
    let types = 0;
    let lists = 0;
    for (const [definition, cgFields] of Object.entries(clientGo.types)) {
      // Types of API versions a 1.34 API server does not serve (apps/v1beta1, flowcontrol/v1beta3, …) are client-go's only.
      const fields = schema.fields(definition);
      if (fields === undefined) continue;
      types++;
      for (const field of new Set([...Object.keys(cgFields), ...Object.keys(fields)])) {
        const expected = clientGoLists(cgFields[field]);
        const actual = definitionLists(fields[field]);
        if (expected !== "" || actual !== "") lists++;
        if (expected !== actual) disagreements.push(`${definition}.${field}: client-go ${expected || "no list"}, OpenAPI ${actual || "no list"}`);
      }
    }
    expect(disagreements).toEqual([]);
    // The comparison covers what matters: on 1.34, 401 types and 85 fields holding list-maps or sets.
    expect(types).toBeGreaterThan(350);
    expect(lists).toBeGreaterThanOrEqual(80);
  });

  it("the OpenAPI definitions lack the key defaults server-side apply uses, which client-go's schema has", () => {
    const ports = kubernetesListSchema("1.34").fields("io.k8s.api.core.v1.Container")!.ports;
    expect(ports).toMatchObject({ type: "map", keys: ["containerPort", "protocol"] });
    expect(clientGo.types["io.k8s.api.core.v1.Container"]!.ports).toMatchObject({ keyDefaults: { containerPort: 0, protocol: "TCP" } });
  });
});

/** A cluster whose only objects are `objects`, rendered by flotilla itself. */
function cluster(kubernetesVersion: string, objects: KubeObject[]) {
  return { cluster: "dev", source: "clusters/dev.ts", kubernetesVersion, releases: [], objects, platforms: [] };
}

const workload: KubeObject = {
  apiVersion: "scheduling.k8s.io/v1alpha1",
  kind: "Workload",
  metadata: { name: "training", namespace: "ml" },
  spec: { podGroups: [{ name: "workers", policy: { basic: {} } }, { name: "workers", policy: { basic: {} } }] },
};

const service: KubeObject = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "ml" },
  spec: { ports: [{ port: 80 }, { port: 80, protocol: "TCP", name: "http" }] },
};

describe("server-side apply check: the cluster's Kubernetes version", () => {
  it("a 1.35 cluster is checked with 1.35's list types (Workload.spec.podGroups is a list-map only 1.35 has)", () => {
    expect(checkRenderedClusters([cluster("1.35", [workload])]).map(formatRenderedProblem)).toEqual([
      expect.stringMatching(/^dev: Workload ml\/training: \.spec\.podGroups\[name="workers"\]: two entries of \.spec\.podGroups have the same key name .*\[server-side-apply\]$/),
    ]);
    // 1.34 does not serve scheduling.k8s.io/v1alpha1 Workload: nothing to merge by.
    expect(checkRenderedClusters([cluster("1.34", [workload])])).toEqual([]);
    expect(checkRenderedClusters([cluster("1.35.2", [workload])])).toHaveLength(1);
  });

  it("an omitted protocol is TCP when ports are compared, on 1.34 and 1.35 (client-go's key defaults)", () => {
    for (const version of ["1.34", "1.35"]) {
      expect(checkRenderedClusters([cluster(version, [service])]).map((problem) => problem.path)).toEqual(['.spec.ports[port=80,protocol="TCP"]']);
    }
  });

  it("a 1.28 cluster merges lists without a list type by their strategic-merge key, as the API server does", () => {
    const deployment: KubeObject = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "ml" },
      spec: { template: { spec: { containers: [{ name: "web", image: "web:1", env: [{ name: "A", value: "1" }, { name: "A", value: "2" }] }] } } },
    };
    expect(kubernetesListSchema("1.28").fields("io.k8s.api.core.v1.Container")!.env).toMatchObject({ type: "map", keys: ["name"] });
    expect(checkRenderedClusters([cluster("1.28", [deployment])]).map((problem) => problem.path)).toEqual(['.spec.template.spec.containers[name="web"].env[name="A"]']);
  });
});
