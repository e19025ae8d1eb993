import { describe, expect, it } from "vitest";
import { type ClusterModule, type FleetProblem, loadFleet } from "../src/index.js";
import { specWith, validSpec } from "./fixtures.js";

const DIR = "apps/fleet/src/clusters";

function problems(modules: ClusterModule[]): FleetProblem[] {
  const result = loadFleet(modules);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.problems;
}

describe("loadFleet", () => {
  it("loads several clusters sorted by name", () => {
    const result = loadFleet([
      { file: `${DIR}/prod.ts`, exported: validSpec("prod") },
      { file: `${DIR}/dev.ts`, exported: validSpec("dev") },
      { file: `${DIR}/staging.ts`, exported: validSpec("staging") },
    ]);
    expect(result.ok && result.clusters.map((c) => [c.file, c.spec.name, c.spec.git.path])).toEqual([
      [`${DIR}/dev.ts`, "dev", "clusters/dev"],
      [`${DIR}/prod.ts`, "prod", "clusters/prod"],
      [`${DIR}/staging.ts`, "staging", "clusters/staging"],
    ]);
  });

  it("treats no modules as an empty fleet", () => {
    expect(loadFleet([])).toEqual({ ok: true, clusters: [] });
  });

  it("reports every problem of every file together", () => {
    const found = problems([
      { file: `${DIR}/dev.ts`, exported: specWith((s) => ((s.azure.location = "West Europe"), (s.git.url = "git@github.com:c/f.git"))) },
      { file: `${DIR}/prod.ts`, exported: specWith((s) => ((s.flux = { timeout: "5" }), (s.namespaces = [{ name: "default" }])), "prod") },
      { file: `${DIR}/test.ts`, exported: specWith((s) => (delete s.azure.tenantId), "test") },
      { file: `${DIR}/ok.ts`, exported: validSpec("ok") },
    ]);
    expect(found.map((p) => `${p.file}: ${p.path}`)).toEqual([
      `${DIR}/dev.ts: azure.location`,
      `${DIR}/dev.ts: git.url`,
      `${DIR}/prod.ts: flux.timeout`,
      `${DIR}/prod.ts: namespaces[0].name`,
      `${DIR}/test.ts: azure.tenantId`,
    ]);
  });

  it.each([
    [undefined, "got no default export"],
    [null, "got a default export of null"],
    ["dev", 'got a default export of "dev"'],
    [[validSpec()], "got a default export of a list of 1"],
    [() => validSpec(), "got a default export of a function"],
  ])("rejects a default export of %j, giving the fix", (exported, part) => {
    const found = problems([{ file: `${DIR}/dev.ts`, exported }]);
    expect(found).toEqual([{ file: `${DIR}/dev.ts`, path: "", message: expect.stringContaining(part) }]);
    expect(found[0]?.message).toContain("export default defineCluster({ ... })");
  });

  it("with problems, keeps the clusters whose files have none and names the rejected ones, so the rest of the fleet can be checked", () => {
    const result = loadFleet([
      { file: `${DIR}/dev.ts`, exported: specWith((s) => (s.azure.location = "West Europe")) },
      { file: `${DIR}/ok.ts`, exported: validSpec("ok") },
      // Two files claiming one name: neither is kept.
      { file: `${DIR}/prod.ts`, exported: validSpec("prod") },
      { file: `${DIR}/prod-copy.ts`, exported: validSpec("prod") },
    ]);
    expect(result.ok).toBe(false);
    expect(result.clusters.map((cluster) => cluster.spec.name)).toEqual(["ok"]);
    expect(result.ok ? [] : result.rejected).toEqual(["dev", "prod", "prod-copy"]);
  });

  it("reports a default export whose getters throw instead of throwing", () => {
    const exported = Object.defineProperty({}, "name", { enumerable: true, get: () => { throw new Error("boom"); } });
    const found = problems([{ file: `${DIR}/dev.ts`, exported }]);
    expect(found).toEqual([{ file: `${DIR}/dev.ts`, path: "", message: expect.stringContaining("could not be read") }]);
  });

  it("requires the file name to match the cluster name, giving the fix", () => {
    const found = problems([{ file: `${DIR}/dev.ts`, exported: validSpec("prod") }]);
    expect(found).toEqual([
      {
        file: `${DIR}/dev.ts`,
        path: "name",
        message: `cluster name "prod" does not match the file name "dev.ts": rename the file to ${DIR}/prod.ts or set name: "dev"`,
      },
    ]);
  });

  it("handles Windows paths and other extensions when matching file names", () => {
    expect(loadFleet([{ file: "apps\\fleet\\src\\clusters\\dev.mts", exported: validSpec("dev") }]).ok).toBe(true);
    const found = problems([{ file: "clusters\\Dev.ts", exported: validSpec("dev") }]);
    expect(found[0]?.message).toContain("rename the file to clusters\\dev.ts");
    expect(found[0]?.message).not.toContain("set name");
  });

  it("reports duplicate names on each file, naming the others", () => {
    const found = problems([
      { file: `${DIR}/dev.ts`, exported: validSpec("dev") },
      { file: `other/dev.ts`, exported: specWith((s) => (s.azure.oidcIssuerUrl += "x/")) },
      { file: `third/dev.ts`, exported: specWith((s) => (s.azure.oidcIssuerUrl += "y/")) },
    ]);
    expect(found).toEqual([
      { file: `${DIR}/dev.ts`, path: "name", message: 'cluster name "dev" is also used by other/dev.ts, third/dev.ts; cluster names must be unique' },
      { file: "other/dev.ts", path: "name", message: `cluster name "dev" is also used by ${DIR}/dev.ts, third/dev.ts; cluster names must be unique` },
      { file: "third/dev.ts", path: "name", message: `cluster name "dev" is also used by ${DIR}/dev.ts, other/dev.ts; cluster names must be unique` },
    ]);
  });

  it("reports duplicate git paths on each file", () => {
    const found = problems([
      { file: `${DIR}/a.ts`, exported: specWith((s) => (s.git.path = "clusters/shared"), "a") },
      { file: `${DIR}/b.ts`, exported: specWith((s) => (s.git.path = "clusters/shared"), "b") },
    ]);
    expect(found).toEqual([
      { file: `${DIR}/a.ts`, path: "git.path", message: expect.stringContaining(`"clusters/shared" is also used by ${DIR}/b.ts`) },
      { file: `${DIR}/b.ts`, path: "git.path", message: expect.stringContaining(`"clusters/shared" is also used by ${DIR}/a.ts`) },
    ]);
  });

  it("reports a git path equal to another cluster's default path", () => {
    const found = problems([
      { file: `${DIR}/a.ts`, exported: specWith((s) => (s.git.path = "clusters/b"), "a") },
      { file: `${DIR}/b.ts`, exported: validSpec("b") },
    ]);
    expect(found.map((p) => [p.file, p.path])).toEqual([
      [`${DIR}/a.ts`, "git.path"],
      [`${DIR}/b.ts`, "git.path"],
    ]);
  });

  it("reports nested git paths on both files", () => {
    const found = problems([
      { file: `${DIR}/a.ts`, exported: specWith((s) => (s.git.path = "clusters"), "a") },
      { file: `${DIR}/b.ts`, exported: validSpec("b") },
    ]);
    expect(found).toEqual([
      { file: `${DIR}/a.ts`, path: "git.path", message: expect.stringContaining(`"clusters" contains "clusters/b", the path of ${DIR}/b.ts`) },
      { file: `${DIR}/b.ts`, path: "git.path", message: expect.stringContaining(`"clusters/b" is inside "clusters", the path of ${DIR}/a.ts`) },
    ]);
  });

  it("does not confuse sibling paths sharing a prefix", () => {
    const result = loadFleet([
      { file: `${DIR}/a.ts`, exported: specWith((s) => (s.git.path = "clusters/dev"), "a") },
      { file: `${DIR}/b.ts`, exported: specWith((s) => (s.git.path = "clusters/dev2"), "b") },
    ]);
    expect(result.ok).toBe(true);
  });

  it("reports duplicate OIDC issuers, ignoring a trailing slash", () => {
    const shared = validSpec("a").azure.oidcIssuerUrl;
    const found = problems([
      { file: `${DIR}/a.ts`, exported: validSpec("a") },
      { file: `${DIR}/b.ts`, exported: specWith((s) => (s.azure.oidcIssuerUrl = shared.slice(0, -1)), "b") },
    ]);
    expect(found).toEqual([
      { file: `${DIR}/a.ts`, path: "azure.oidcIssuerUrl", message: expect.stringContaining(`is also used by ${DIR}/b.ts`) },
      { file: `${DIR}/b.ts`, path: "azure.oidcIssuerUrl", message: expect.stringContaining(`is also used by ${DIR}/a.ts`) },
    ]);
  });

  it("reports duplicates even in files that have other problems", () => {
    const found = problems([
      { file: `${DIR}/dev.ts`, exported: specWith((s) => (s.azure.location = "West Europe")) },
      { file: `x/dev.ts`, exported: specWith((s) => (s.flux = { timeout: "soon" })) },
    ]);
    expect(found.map((p) => `${p.file}: ${p.path}`)).toEqual([
      `${DIR}/dev.ts: azure.location`,
      `${DIR}/dev.ts: azure.oidcIssuerUrl`,
      `${DIR}/dev.ts: name`,
      "x/dev.ts: azure.oidcIssuerUrl",
      "x/dev.ts: flux.timeout",
      "x/dev.ts: name",
    ]);
  });

  it("reports a file loaded twice once", () => {
    const found = problems([
      { file: `${DIR}/dev.ts`, exported: validSpec() },
      { file: `${DIR}/dev.ts`, exported: validSpec() },
    ]);
    expect(found).toEqual([{ file: `${DIR}/dev.ts`, path: "", message: expect.stringContaining("loaded more than once") }]);
  });

  it("orders problems and clusters the same whatever the module order", () => {
    const modules: ClusterModule[] = [
      { file: `${DIR}/b.ts`, exported: specWith((s) => ((s.namespaces = Array.from({ length: 12 }, () => ({ name: "X" }))), (s.git.zz = 1)), "b") },
      { file: `${DIR}/a.ts`, exported: specWith((s) => ((s.name = "Q"), (s.azure.location = "?")), "a") },
      { file: `${DIR}/c.ts`, exported: undefined },
    ];
    const forward = loadFleet(modules);
    const backward = loadFleet([...modules].reverse());
    expect(backward).toEqual(forward);
    const paths = forward.ok ? [] : forward.problems.map((p) => `${p.file.slice(-4)} ${p.path}`);
    expect(paths.slice(0, 4)).toEqual(["a.ts azure.location", "a.ts name", "b.ts git.zz", "b.ts namespaces[0].name"]);
    expect(paths.slice(-3)).toEqual(["b.ts namespaces[10].name", "b.ts namespaces[11].name", "c.ts "]);

    const ok = [validSpec("c"), validSpec("a"), validSpec("b")].map((spec) => ({ file: `${DIR}/${spec.name}.ts`, exported: spec }));
    const names = (modules: ClusterModule[]) => {
      const result = loadFleet(modules);
      return result.ok ? result.clusters.map((c) => c.spec.name) : [];
    };
    expect(names(ok)).toEqual(["a", "b", "c"]);
    expect(names([...ok].reverse())).toEqual(["a", "b", "c"]);
  });

  it("does not modify the exported objects", () => {
    const spec = validSpec();
    const copy = structuredClone(spec);
    loadFleet([{ file: `${DIR}/dev.ts`, exported: spec }]);
    expect(spec).toEqual(copy);
  });
});
