/**
 * A fourth platform is one package and one line of registration: the test platform KubeRay
 * (test/fixtures/platform-kuberay, not in the product) is registered beside the real ones and then
 * validated, planned and synthesised like them, with no change to fleet, workload-identity,
 * cluster or the apps.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { type ClusterSpec, definePlatforms, loadFleet } from "@flotilla/fleet";
import { defineCluster } from "@flotilla/fleet/define";
import { PLATFORMS } from "@flotilla/platforms";
import { planIdentities, serializeIdentityOutputs } from "@flotilla/workload-identity";
import { fleetLocations } from "../apps/fleet/src/fleet-options.js";
import { synth } from "../apps/fleet/src/synth.js";
import { KUBERAY_IDENTITY, kubeRayPlatform } from "./fixtures/platform-kuberay/index.js";
import { validCluster, writeFleet } from "./support/fixture-fleet.js";
import { snapshotTree } from "./support/tree-snapshot.js";

/** The registration: one line. */
const REGISTRY = definePlatforms([...PLATFORMS, kubeRayPlatform]);

const STORAGE = { account: "stalpharay", container: "ray" };

function cluster(kuberay: unknown, extra: Record<string, unknown> = {}) {
  return { ...validCluster("alpha"), platforms: { kuberay }, ...extra };
}

function problemsOf(exported: unknown, platforms = REGISTRY): string[] {
  const result = loadFleet([{ file: "clusters/alpha.ts", exported }], platforms);
  return result.ok ? [] : result.problems.map((problem) => `${problem.path}: ${problem.message}`);
}

function specOf(exported: unknown): ClusterSpec {
  const result = loadFleet([{ file: "clusters/alpha.ts", exported }], REGISTRY);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.clusters[0]!.spec;
}

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("a fourth platform, registered with one line", () => {
  it("its section is typed in cluster files and validated with friendly errors naming the field", () => {
    defineCluster({ ...validCluster("alpha"), platforms: { kuberay: { storage: STORAGE } } });
    // @ts-expect-error the section's own types reach defineCluster (storage is required)
    defineCluster({ ...validCluster("alpha"), platforms: { kuberay: {} } });

    expect(problemsOf(cluster({}))).toEqual(["platforms.kuberay.storage: required: the Blob Storage: { account, container, resourceGroup? }"]);
    expect(problemsOf(cluster({ storage: STORAGE, jobNamespace: ["ray"] }))).toEqual(["platforms.kuberay.jobNamespace: unknown field; did you mean `jobNamespaces`?"]);
    expect(problemsOf(cluster({ storage: { ...STORAGE, account: "Bad_Account" } }))).toEqual([expect.stringMatching(/^platforms\.kuberay\.storage\.account: /)]);
    // Its own cross-field check, reported under platforms.kuberay, and the generic ones.
    expect(problemsOf(cluster({ storage: STORAGE, jobNamespaces: ["ray-jobs"] }))).toEqual([
      'platforms.kuberay.jobNamespaces[0]: namespace "ray-jobs" is not rendered by this cluster; add { name: "ray-jobs" } to namespaces',
    ]);
    expect(problemsOf(cluster({ storage: STORAGE }, { namespaces: [{ name: "kuberay" }] }))).toEqual([
      'namespaces[0].name: namespace "kuberay" is rendered by a platform (platforms); remove it from namespaces or give the platform another namespace',
    ]);
    // It reads no Secrets, so unlike the database-backed platforms it needs no sops recipients.
    expect(problemsOf(cluster({ storage: STORAGE }))).toEqual([]);
    // A program that does not register it refuses the section, naming the platforms it knows.
    expect(problemsOf(cluster({ storage: STORAGE }), PLATFORMS)).toEqual(["platforms.kuberay: unknown field; expected one of: `flyte`, `argoWorkflows`, `metaflow`"]);
  });

  it("gets its identity planned: chart and rendered ServiceAccounts federated, role on the container, the 20-credential limit on its field", () => {
    const spec = specOf(cluster({ storage: STORAGE, jobNamespaces: ["kuberay", "ray-a"] }, { namespaces: [{ name: "ray-a" }] }));
    expect(spec.platforms.kuberay).toEqual({ namespace: "kuberay", storage: { ...STORAGE, resourceGroup: "rg-alpha" }, jobNamespaces: ["kuberay", "ray-a"] });
    const { plan, problems } = planIdentities([spec], REGISTRY);
    expect(problems).toEqual([]);
    const identity = plan.clusters[0]!.identities.find((candidate) => candidate.key === KUBERAY_IDENTITY)!;
    expect(identity.name).toBe("id-alpha-kuberay");
    expect(identity.federatedCredentials.map((credential) => [credential.subject, credential.platformServiceAccount?.platform ?? "rendered"])).toEqual([
      ["system:serviceaccount:kuberay:kuberay-operator", "kuberay"],
      ["system:serviceaccount:kuberay:ray-worker", "rendered"],
      ["system:serviceaccount:ray-a:ray-worker", "rendered"],
    ]);
    expect(identity.roleAssignments.map((assignment) => [assignment.roleName, assignment.scope])).toEqual([
      ["Storage Blob Data Contributor", "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-alpha/providers/Microsoft.Storage/storageAccounts/stalpharay/blobServices/default/containers/ray"],
    ]);

    const many = Array.from({ length: 20 }, (_, i) => `ray-${i}`);
    const crowded = specOf(cluster({ storage: STORAGE, jobNamespaces: many }, { namespaces: many.map((name) => ({ name })) }));
    expect(planIdentities([crowded], REGISTRY).problems).toEqual([
      expect.objectContaining({ path: "platforms.kuberay.jobNamespaces", message: expect.stringMatching(/identity "kuberay" .* would need 21 federated credentials.*reduce jobNamespaces/) }),
    ]);
    // A plan without the registry cannot silently drop its identity.
    expect(() => planIdentities([spec])).toThrow(/platforms\.kuberay is not a registered platform/);
  });

  it("synthesises: its namespace, its layer with the HelmRelease, its ServiceAccounts annotated with the client ID, kustomize-buildable", async () => {
    const exported = cluster({ storage: STORAGE, jobNamespaces: ["kuberay", "ray-a"] }, { namespaces: [{ name: "ray-a" }] });
    const fleet = await writeFleet({ "alpha.mjs": exported });
    dirs.push(fleet);
    const { plan } = planIdentities([specOf(exported)], REGISTRY);
    const clientId = "c2000000-0000-4000-8000-0000000000c2";
    await mkdir(join(fleet, "identity-outputs"));
    await writeFile(
      join(fleet, "identity-outputs", "alpha.json"),
      serializeIdentityOutputs({
        cluster: "alpha",
        tenantId: exported.azure.tenantId,
        identities: Object.fromEntries(plan.clusters[0]!.identities.map((identity) => [identity.key, { clientId, principalId: "9a200000-0000-4000-8000-0000000000c2", resourceId: identity.resourceId }])),
      }),
    );
    const work = await mkdtemp(join(tmpdir(), "flotilla-plugin-"));
    dirs.push(work);
    const outDir = join(work, "clusters");
    const outcome = await synth({ ...fleetLocations({ fleet }), outDir, check: false, platforms: REGISTRY });
    expect(outcome).toMatchObject({ kind: "written", clusters: ["alpha"] });

    const tree = await snapshotTree(outDir);
    const object = (file: string) => parse(tree.get(file)!.toString()) as { spec: Record<string, never>; metadata: { annotations?: Record<string, string> } };
    expect([...tree.keys()].filter((file) => /kuberay|ray-a|ray-worker/.test(file)).sort()).toEqual([
      "alpha/infrastructure/namespace_kuberay.yaml",
      "alpha/infrastructure/namespace_ray-a.yaml",
      "alpha/infrastructure/serviceaccount_kuberay_ray-worker.yaml",
      "alpha/infrastructure/serviceaccount_ray-a_ray-worker.yaml",
      "alpha/kustomization_flux-system_platform-kuberay.yaml",
      "alpha/platform-kuberay/helmrelease_flux-system_kuberay-operator.yaml",
      "alpha/platform-kuberay/helmrepository_flux-system_kuberay.yaml",
      "alpha/platform-kuberay/kustomization.yaml",
    ]);
    expect(object("alpha/infrastructure/serviceaccount_ray-a_ray-worker.yaml").metadata.annotations).toMatchObject({ "azure.workload.identity/client-id": clientId });
    const release = object("alpha/platform-kuberay/helmrelease_flux-system_kuberay-operator.yaml");
    expect(release.spec.values).toMatchObject({ serviceAccount: { name: "kuberay-operator", annotations: { "azure.workload.identity/client-id": clientId } }, podLabels: { "azure.workload.identity/use": "true" } });
    const layer = object("alpha/kustomization_flux-system_platform-kuberay.yaml");
    expect(layer.spec).toMatchObject({ path: "./clusters/alpha/platform-kuberay", dependsOn: [{ name: "infrastructure" }], healthChecks: [{ kind: "HelmRelease", name: "kuberay-operator" }] });
    for (const dir of ["alpha/platform-kuberay", "alpha/infrastructure"]) {
      const built = parseAllDocuments(execFileSync("kubectl", ["kustomize", join(outDir, dir)], { encoding: "utf8" })).map((doc) => doc.toJS() as { kind: string });
      expect(built.length).toBeGreaterThan(0);
    }
  });
});
