import { kubectl } from "./support/tools.js";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { synthCli } from "./support/synth-cli.js";
import { snapshotTree } from "./support/tree-snapshot.js";

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: { path?: string };
}

const identity = (m: Manifest) => `${m.apiVersion.split("/")[0]}|${m.kind}|${m.metadata.namespace ?? ""}|${m.metadata.name}`;

function kustomizeBuild(dir: string): Manifest[] {
  const output = execFileSync(kubectl, ["kustomize", dir], { encoding: "utf8" });
  return parseAllDocuments(output).map((doc) => doc.toJS() as Manifest).filter(Boolean);
}

let work: string;
let out: string;
/** Every rendered object with the cluster (the API server) it is applied to. */
let rendered: (Manifest & { cluster: string })[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-kustomize-"));
  out = join(work, "clusters");
  const result = synthCli("--out", out);
  if (result.code !== 0) throw new Error(result.stderr);
  rendered = [...(await snapshotTree(out))]
    .filter(([path]) => !path.endsWith("/kustomization.yaml"))
    .map(([path, bytes]) => ({ ...(parse(bytes.toString()) as Manifest), cluster: path.split("/")[0]! }));
});
afterAll(async () => rm(work, { recursive: true, force: true }));

describe("the rendered tree under kustomize", () => {
  it("builds every directory a Flux Kustomization points at, and each object is applied exactly once", () => {
    const fluxKustomizations = rendered.filter((m) => m.kind === "Kustomization" && m.apiVersion.startsWith("kustomize.toolkit.fluxcd.io/"));
    expect(fluxKustomizations.length).toBeGreaterThanOrEqual(4);
    const clusterRoots = [...new Set(fluxKustomizations.map((k) => k.spec!.path!.split("/").slice(0, 3).join("/")))];
    // The cluster roots are applied by Flux's own bootstrap Kustomization (or the AKS extension's).
    const targets = [...clusterRoots, ...fluxKustomizations.map((k) => k.spec!.path!)];

    const applied = new Map<string, number>();
    for (const path of targets) {
      expect(path).toMatch(/^\.\/clusters\/[a-z0-9-]+(\/[a-z0-9-]+)?$/);
      const cluster = path.split("/")[2]!;
      for (const manifest of kustomizeBuild(join(out, path.replace(/^\.\/clusters\//, "")))) {
        const key = `${cluster}|${identity(manifest)}`;
        applied.set(key, (applied.get(key) ?? 0) + 1);
      }
    }
    const expected = rendered.map((m) => `${m.cluster}|${identity(m)}`).sort();
    expect([...applied.keys()].sort()).toEqual(expected);
    expect([...applied.values()].every((count) => count === 1)).toBe(true);
  });

  it("chains infrastructure before platforms from the cluster's own Git source", () => {
    const byName = (cluster: string, name: string) =>
      rendered.find((m) => m.kind === "Kustomization" && m.metadata.name === name && m.spec?.path?.includes(`/${cluster}/`)) as
        | (Manifest & { spec: Record<string, unknown> })
        | undefined;
    for (const cluster of ["dev", "prod"]) {
      const platforms = byName(cluster, "platforms");
      expect(platforms?.spec.dependsOn).toEqual([{ name: "infrastructure" }]);
      expect(platforms?.spec.sourceRef).toEqual({ kind: "GitRepository", name: "flotilla" });
      expect(byName(cluster, "infrastructure")?.spec.path).toBe(`./clusters/${cluster}/infrastructure`);
    }
  });
});
