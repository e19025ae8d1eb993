/**
 * synth's release gate cache (apps/fleet/src/review/release-gate-cache.ts): a file's parsed YAML
 * is reused only for the very same content, a cluster's check results only for the very same
 * cluster as the checks see it, options and fingerprint; anything else is parsed or checked again.
 */
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { yamlDocuments } from "@flotilla/review";
import { checkRenderedClusters, type RenderedCluster, type RenderedProblem } from "@flotilla/review/rendered";
import { openReleaseGateCache, ReleaseGateCache } from "../apps/fleet/src/review/release-gate-cache.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});
async function cacheFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "flotilla-gate-cache-"));
  dirs.push(dir);
  return join(dir, "release-gate.json");
}

const NAMESPACE = "# generated\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n";
const TWO_DOCUMENTS = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: \"1\"\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n";

describe("parsed YAML, by the file's content", () => {
  it("gives what yamlDocuments gives, fresh objects on every call, and reuses an entry only for the same content", async () => {
    const file = await cacheFile();
    const first = await ReleaseGateCache.open(file, "f1");
    expect(first.documentsOf("dev/a.yaml", TWO_DOCUMENTS)).toEqual(yamlDocuments("dev/a.yaml", TWO_DOCUMENTS));
    first.documentsOf("dev/ns.yaml", NAMESPACE);
    await first.save();

    // The kept entry is what answers: tampered with, the tampered value comes back for that content only.
    const stored = JSON.parse(await readFile(file, "utf8")) as { documents: Record<string, string> };
    expect(Object.keys(stored.documents)).toHaveLength(2);
    for (const key of Object.keys(stored.documents)) stored.documents[key] = JSON.stringify([{ kept: key }]);
    await writeFile(file, JSON.stringify(stored));
    const second = await ReleaseGateCache.open(file, "f1");
    const reused = second.documentsOf("prod/ns.yaml", NAMESPACE);
    expect(reused).toEqual([{ value: { kept: expect.any(String) } }]);
    expect(second.documentsOf("prod/ns.yaml", NAMESPACE)[0]).not.toBe(reused[0]);
    expect((second.documentsOf("prod/ns.yaml", NAMESPACE)[0] as { value: object }).value).not.toBe((reused[0] as { value: object }).value);
    // One byte more is another file.
    expect(second.documentsOf("prod/ns.yaml", `${NAMESPACE} `)).toEqual(yamlDocuments("prod/ns.yaml", NAMESPACE));

    // Another fingerprint (the yaml library, the bundle, Node…) starts from nothing.
    const other = await ReleaseGateCache.open(file, "f2");
    expect(other.documentsOf("prod/ns.yaml", NAMESPACE)).toEqual(yamlDocuments("prod/ns.yaml", NAMESPACE));
  });

  it("never keeps a file with a syntax error or values JSON cannot hold exactly, and survives a corrupt file", async () => {
    const file = await cacheFile();
    const cache = await ReleaseGateCache.open(file, "f1");
    const broken = "apiVersion: v1\nkind: [\n";
    const infinite = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  x: .inf\n";
    const negativeZero = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  x: -0\n";
    expect(cache.documentsOf("dev/broken.yaml", broken)).toEqual(yamlDocuments("dev/broken.yaml", broken));
    expect(cache.documentsOf("dev/inf.yaml", infinite)).toEqual([{ value: expect.objectContaining({ metadata: { name: "a", x: Number.POSITIVE_INFINITY } }) }]);
    cache.documentsOf("dev/zero.yaml", negativeZero);
    await cache.save();
    await expect(readFile(file, "utf8")).rejects.toThrow(); // nothing learnt, nothing written

    await writeFile(file, "{ not json");
    const cold = await ReleaseGateCache.open(file, "f1");
    expect(cold.documentsOf("dev/ns.yaml", NAMESPACE)).toEqual(yamlDocuments("dev/ns.yaml", NAMESPACE));
    await writeFile(file, JSON.stringify({ fingerprint: "f1", documents: { [digestOf(NAMESPACE)]: "not json [" }, checks: {} }));
    const corrupt = await ReleaseGateCache.open(file, "f1");
    expect(corrupt.documentsOf("dev/ns.yaml", NAMESPACE)).toEqual(yamlDocuments("dev/ns.yaml", NAMESPACE));
  });
});

/** A cluster as the checks see it, with something in every field. */
function cluster(): RenderedCluster {
  return {
    cluster: "dev",
    source: "apps/fleet/src/clusters/dev.ts",
    kubernetesVersion: "1.34",
    releases: [
      {
        helmRelease: { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", metadata: { name: "argo", namespace: "flux-system" } },
        namespace: "argo",
        objects: [{ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "server", namespace: "argo" }, spec: { replicas: 1 } }],
        postRendererInput: [{ source: "argo/templates/a.yaml", text: "a: 1\n" }],
        valueConflicts: [],
        platform: "argoWorkflows",
      },
    ],
    objects: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "argo" } }],
    identities: {
      plan: { cluster: "dev", tenantId: "t", identities: [] } as never,
      outputs: { cluster: "dev", tenantId: "t", identities: { argo: { clientId: "11111111-1111-1111-1111-111111111111" } } } as never,
    },
    externalWorkloadAccounts: ["analytics-dev/runner"],
    settings: new Map([["ServiceAccount argo/server", "identities[0].serviceAccounts[0]"]]),
    identitySettings: new Map([["argo", "platforms.argoWorkflows"]]),
    platforms: [{ platform: "argoWorkflows", azure: [], runTimePods: [], runTimeObjects: [] }],
  };
}

/** What checkRenderedClusters hands the memo for a cluster: plain data (its maps as their entries). */
function input(cluster: RenderedCluster): object {
  return { ...cluster, settings: [...(cluster.settings ?? [])], identitySettings: [...(cluster.identitySettings ?? [])] };
}

const PROBLEM: RenderedProblem = { check: "references", cluster: "dev", release: "", object: "Deployment argo/server", path: ".spec", message: "refers to a missing Secret" };

/** Every field of the cluster, changed one at a time. */
const CHANGES: [string, (cluster: RenderedCluster) => void][] = [
  ["cluster", (c) => (c.cluster = "prod")],
  ["source", (c) => (c.source = "apps/fleet/src/clusters/other.ts")],
  ["kubernetesVersion", (c) => (c.kubernetesVersion = "1.35")],
  ["a release's HelmRelease", (c) => (c.releases[0]!.helmRelease.metadata!.name = "argo2")],
  ["a release's namespace", (c) => (c.releases[0]!.namespace = "argo2")],
  ["a rendered object", (c) => ((c.releases[0]!.objects[0]!.spec as { replicas: number }).replicas = 2)],
  ["the post-renderer input", (c) => (c.releases[0]!.postRendererInput![0]!.text = "a: 2\n")],
  ["the value conflicts", (c) => (c.releases[0]!.valueConflicts = [{ path: "a", message: "m" } as never])],
  ["the release's platform", (c) => delete c.releases[0]!.platform],
  ["flotilla's own objects", (c) => (c.objects[0]!.metadata!.name = "argo2")],
  ["the identity outputs", (c) => ((c.identities!.outputs.identities as Record<string, { clientId: string }>).argo!.clientId = "22222222-2222-2222-2222-222222222222")],
  ["the identity plan", (c) => (c.identities!.plan.tenantId = "t2")],
  ["the external workload accounts", (c) => (c.externalWorkloadAccounts = [])],
  ["the settings of flotilla's objects", (c) => (c.settings = new Map([["ServiceAccount argo/server", "identities[1].serviceAccounts[0]"]]))],
  ["the settings behind the identities", (c) => (c.identitySettings = new Map([["argo", "identities[0]"]]))],
  ["the platforms' declarations", (c) => c.platforms[0]!.runTimePods.push({ createdBy: "x", namespace: "argo", serviceAccount: "y", reason: "z" })],
];

describe("check results, by the whole cluster as the checks see it", () => {
  it("answers the same cluster, options and fingerprint from the file; checks again when any of them changes", async () => {
    const file = await cacheFile();
    let checks = 0;
    const check = () => {
      checks += 1;
      return [{ ...PROBLEM }];
    };
    const first = await ReleaseGateCache.open(file, "f1");
    expect(first.renderedChecks("secretSet pnpm secret set")("cluster", input(cluster()), check)).toEqual([PROBLEM]);
    await first.save();
    expect(checks).toBe(1);

    const again = await ReleaseGateCache.open(file, "f1");
    const memo = again.renderedChecks("secretSet pnpm secret set");
    const answered = memo("cluster", input(cluster()), check);
    expect(answered).toEqual([PROBLEM]);
    expect(checks).toBe(1);
    answered[0]!.message = "changed by the caller";
    expect(memo("cluster", input(cluster()), check)).toEqual([PROBLEM]);
    expect(checks).toBe(1);

    for (const [field, change] of CHANGES) {
      const changed = cluster();
      change(changed);
      const before = checks;
      memo("cluster", input(changed), check);
      expect(checks, field).toBe(before + 1);
    }
    again.renderedChecks("secretSet flotilla secret set")("cluster", input(cluster()), check);
    expect(checks, "options").toBe(CHANGES.length + 2);
    (await ReleaseGateCache.open(file, "f2")).renderedChecks("secretSet pnpm secret set")("cluster", input(cluster()), check);
    expect(checks, "fingerprint").toBe(CHANGES.length + 3);
    again.renderedChecks("secretSet pnpm secret set")("releases", input(cluster()), check);
    expect(checks, "part").toBe(CHANGES.length + 4);
  });

  it("with the real checks: an edit to flotilla's own objects checks them again, the releases' output is answered from the file, and the problems are those of an uncached run", async () => {
    const deployment = (name: string, env: { name: string; value: string }[]) => ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace: "argo" },
      spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: "x:1", env }] } } },
    });
    const twice = [{ name: "A", value: "1" }, { name: "A", value: "2" }];
    const base = (): RenderedCluster => ({
      ...cluster(),
      identities: undefined,
      externalWorkloadAccounts: [],
      platforms: [],
      releases: [{ ...cluster().releases[0]!, postRendererInput: [], objects: [deployment("server", twice) as never] }],
      objects: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "argo" } }],
    });
    const edited = (): RenderedCluster => ({ ...base(), objects: [...base().objects, deployment("own", twice) as never] });
    const file = await cacheFile();
    const checked: string[] = [];
    const counting = (cache: ReleaseGateCache): NonNullable<Parameters<typeof checkRenderedClusters>[1]>["memo"] => {
      const memo = cache.renderedChecks("");
      return (part, input, check) => memo(part, input, () => (checked.push(part), check()));
    };
    const first = await ReleaseGateCache.open(file, "f1");
    expect(checkRenderedClusters([base()], { memo: counting(first) })).toEqual(checkRenderedClusters([base()]));
    expect(checked).toEqual(["cluster", "releases"]);
    await first.save();

    const second = await ReleaseGateCache.open(file, "f1");
    const uncached = checkRenderedClusters([edited()]);
    expect(uncached.map((problem) => [problem.check, problem.release, problem.object])).toEqual([
      ["server-side-apply", "", "Deployment argo/own"],
      ["server-side-apply", "flux-system/argo", "Deployment argo/server"],
    ]);
    expect(checkRenderedClusters([edited()], { memo: counting(second) })).toEqual(uncached);
    expect(checked).toEqual(["cluster", "releases", "cluster"]);
    expect(checkRenderedClusters([base()], { memo: counting(second) })).toEqual(checkRenderedClusters([base()]));
    expect(checked).toEqual(["cluster", "releases", "cluster"]);
  });

  it("checks a cluster JSON cannot hold exactly every time", async () => {
    const cache = await ReleaseGateCache.open(await cacheFile(), "f1");
    let checks = 0;
    const odd = cluster();
    (odd.objects[0] as Record<string, unknown>).weight = Number.NaN;
    const memo = cache.renderedChecks("");
    memo("cluster", input(odd), () => (checks++, []));
    memo("cluster", input(odd), () => (checks++, []));
    expect(checks).toBe(2);
  });

  it("is not used when flotilla runs unbundled: the checks' code has no identity to key on", async () => {
    expect(await openReleaseGateCache(await mkdtemp(join(tmpdir(), "flotilla-gate-cache-")).then((dir) => (dirs.push(dir), dir)), "f1")).toBeUndefined();
  });
});

function digestOf(content: string): string {
  return createHash("sha256").update(content).digest("base64url");
}
