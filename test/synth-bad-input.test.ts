import { cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFleet, validCluster } from "./support/fixture-fleet.js";
import { repoRoot, synthCli } from "./support/synth-cli.js";
import { snapshotTree } from "./support/tree-snapshot.js";

let work: string;
let out: string;
let dirs: string[] = [];

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-bad-"));
  out = join(work, "clusters");
  await cp(join(repoRoot, "clusters"), out, { recursive: true });
});
afterEach(async () => {
  await Promise.all([work, ...dirs].map((dir) => rm(dir, { recursive: true, force: true })));
  dirs = [];
});

async function synthFleet(modules: Record<string, unknown>) {
  const fleet = await writeFleet(modules);
  dirs.push(fleet);
  const before = await snapshotTree(out);
  const result = synthCli("--fleet", fleet, "--out", out);
  expect(await snapshotTree(out)).toEqual(before);
  return result;
}

describe("synth with bad fleet input", () => {
  it("rejects a git.path other than where synth writes the cluster (Flux would look elsewhere), naming the field", async () => {
    await mkdir(join(work, ".git")); // out is inside a repository: clusters/dev of it
    const result = await synthFleet({ "dev.mjs": { ...validCluster("dev"), git: { ...validCluster("dev").git, path: "deploy/dev" } } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("git.path");
    expect(result.stderr).toContain('"deploy/dev" is not where synth writes this cluster\'s tree (clusters/dev in the repository)');
  });

  it("reports every problem in every file at once, exits non-zero and leaves clusters/ byte-for-byte unchanged", async () => {
    const badName = { ...validCluster("Bad_Name") };
    const badUrl = { ...validCluster("badurl"), git: { url: "git@github.com:contoso/ml-fleet.git" } };
    const { azure, ...missingAzure } = validCluster("noazure");
    void azure;
    const result = await synthFleet({ "Bad_Name.mjs": badName, "badurl.mjs": badUrl, "noazure.mjs": missingAzure });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Bad_Name\.mjs: name: /);
    expect(result.stderr).toMatch(/badurl\.mjs: git\.url: .*ssh:\/\/git@github\.com\/contoso\/ml-fleet\.git/);
    expect(result.stderr).toMatch(/noazure\.mjs: azure: .*required/i);
    expect(result.stderr).toContain("was not changed");
  });

  it("rejects duplicate cluster names, naming both files", async () => {
    const result = await synthFleet({
      "dev.mjs": validCluster("dev"),
      "dev-copy.mjs": validCluster("dev", "00000000-0000-4000-8000-000000000001"),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/dev-copy\.mjs: name: .*dev\.mjs/);
  });

  it("rejects a bad OIDC issuer URL and a missing field with the field path", async () => {
    const httpIssuer = validCluster("dev");
    httpIssuer.azure.oidcIssuerUrl = "http://westeurope.oic.prod-aks.azure.com/x/y/";
    const { git, ...noGit } = validCluster("prod", "00000000-0000-4000-8000-000000000002");
    void git;
    await mkdir(join(work, ".git")); // out is inside a repository: clusters/dev of it
    const result = await synthFleet({ "dev.mjs": httpIssuer, "prod.mjs": noGit });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/dev\.mjs: azure\.oidcIssuerUrl: .*https/);
    expect(result.stderr).toMatch(/prod\.mjs: git: .*required/i);
  });

  it("reports a module that throws on import", async () => {
    const fleet = await writeFleet({});
    dirs.push(fleet);
    await import("node:fs/promises").then((fs) => fs.writeFile(join(fleet, "broken.mjs"), "throw new Error('boom');\n"));
    const before = await snapshotTree(out);
    const result = synthCli("--fleet", fleet, "--out", out);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/broken\.mjs: .*could not be imported: boom/);
    expect(await snapshotTree(out)).toEqual(before);
  });
});
