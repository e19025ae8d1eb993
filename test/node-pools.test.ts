/**
 * Node pools end to end, through the built synth CLI: the example fleet's pools, and a fleet with a
 * self-hosted Karpenter controller (its HelmRelease, identity and ServiceAccount), built with
 * `kubectl kustomize` as Flux does.
 */
import { kubectl } from "./support/tools.js";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFleet } from "@flotilla/fleet";
import { identityAzureName, identityResourceId, planIdentities, serializeIdentityOutputs } from "@flotilla/workload-identity";
import { validCluster, writeFleet } from "./support/fixture-fleet.js";
import { synthCli } from "./support/synth-cli.js";
import { snapshotTree } from "./support/tree-snapshot.js";
import { PLATFORMS } from "@flotilla/platforms";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered manifests are arbitrary JSON
type Manifest = Record<string, any>;

async function renderedObjects(out: string): Promise<Map<string, Manifest>> {
  const objects = new Map<string, Manifest>();
  for (const [file, bytes] of await snapshotTree(out)) {
    if (!file.endsWith("/kustomization.yaml")) objects.set(file, parse(bytes.toString()) as Manifest);
  }
  return objects;
}

function kustomizeBuild(dir: string): Manifest[] {
  return parseAllDocuments(execFileSync(kubectl, ["kustomize", dir], { encoding: "utf8" }))
    .map((doc) => doc.toJS() as Manifest)
    .filter(Boolean);
}

describe("the example fleet's node pools", () => {
  let work: string;
  let objects: Map<string, Manifest>;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "flotilla-pools-"));
    const result = synthCli("--out", join(work, "clusters"));
    if (result.code !== 0) throw new Error(result.stderr);
    objects = await renderedObjects(join(work, "clusters"));
  });
  afterAll(async () => rm(work, { recursive: true, force: true }));

  it("each cluster has a general, a spot and a GPU pool, in node auto-provisioning mode (no controller, no CRDs)", () => {
    for (const cluster of ["dev", "prod"]) {
      const pools = [...objects].filter(([file, o]) => file.startsWith(`${cluster}/`) && o.kind === "NodePool").map(([file, o]) => ({ file, pool: o }));
      const capacity = (pool: Manifest) => pool.spec.template.spec.requirements.find((r: Manifest) => r.key === "karpenter.sh/capacity-type").values;
      const taintKeys = (pool: Manifest) => (pool.spec.template.spec.taints ?? []).map((t: Manifest) => t.key);
      const byName = new Map(pools.map(({ pool }) => [pool.metadata.name as string, pool]));
      expect(byName.has("general"), cluster).toBe(true);
      expect(capacity(byName.get("general")!)).toEqual(["on-demand"]);
      expect(capacity(byName.get("spot")!)).toEqual(["spot"]);
      expect(taintKeys(byName.get("spot")!)).toContain("kubernetes.azure.com/scalesetpriority");
      expect(taintKeys(byName.get("gpu")!)).toEqual(["nvidia.com/gpu"]);
      expect(byName.get("gpu")!.spec.limits["nvidia.com/gpu"]).toBeDefined();
      // The spot taint is on the spot pool only; every pool is in the infrastructure layer with its AKSNodeClass.
      for (const { file, pool } of pools) {
        expect(file).toBe(`${cluster}/infrastructure/nodepool_${pool.metadata.name}.yaml`);
        if (pool.metadata.name !== "spot") expect(taintKeys(pool)).not.toContain("kubernetes.azure.com/scalesetpriority");
        expect(objects.get(`${cluster}/infrastructure/aksnodeclass_${pool.metadata.name}.yaml`)?.apiVersion).toBe("karpenter.azure.com/v1beta1");
      }
      // No Karpenter controller release (the ML platforms' HelmReleases are not Karpenter's).
      expect([...objects.values()].some((o) => (o.kind === "HelmRelease" && o.metadata.name === "karpenter") || o.kind === "CustomResourceDefinition")).toBe(false);
    }
  });

  it("the pinned workspaces get their pool's selector and tolerations", () => {
    const values = JSON.parse(objects.get("dev/infrastructure/configmap_analytics-dev_node-pool-scheduling.yaml")!.data["values.yaml"]);
    expect(values).toEqual({
      nodeSelector: { "karpenter.sh/nodepool": "spot" },
      tolerations: [{ key: "kubernetes.azure.com/scalesetpriority", operator: "Equal", value: "spot", effect: "NoSchedule" }],
    });
  });
});

describe("a cluster with self-hosted Karpenter", () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  const cluster = {
    ...validCluster("staging", "00000000-0000-4000-8000-0000000000c1"),
    karpenter: {
      mode: "self-hosted",
      clusterEndpoint: "https://staging-rg-staging-0b1f64-a1b2c3d4.hcp.westeurope.azmk8s.io:443",
      nodeResourceGroup: "MC_rg-staging_staging_westeurope",
      vnetSubnetID: "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/MC_rg-staging_staging_westeurope/providers/Microsoft.Network/virtualNetworks/aks-vnet/subnets/aks-subnet",
      sshPublicKey: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 azureuser",
    },
    nodePools: [
      { name: "general", preset: "general" },
      { name: "spot", preset: "spot" },
      { name: "gpu", preset: "gpu" },
    ],
  };

  it("renders the controller before the pools, federates its ServiceAccount, and every object is applied exactly once", async () => {
    const fleet = await writeFleet({ "staging.mjs": cluster });
    dirs.push(fleet);
    const loaded = loadFleet([{ file: "staging.mjs", exported: cluster }], PLATFORMS);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const { plan, problems } = planIdentities(loaded.clusters.map((c) => c.spec), PLATFORMS);
    expect(problems).toEqual([]);
    const identity = plan.clusters[0]!.identities[0]!;
    expect(identity.key).toBe("karpenter");
    const clientId = "c1000000-0000-4000-8000-0000000000c1";
    await mkdir(join(fleet, "identity-outputs"));
    const resourceId = identityResourceId(cluster.azure.subscriptionId, cluster.azure.resourceGroup, identityAzureName("staging", "karpenter"));
    await writeFile(
      join(fleet, "identity-outputs", "staging.json"),
      serializeIdentityOutputs({ cluster: "staging", tenantId: cluster.azure.tenantId, identities: { karpenter: { clientId, principalId: "9a100000-0000-4000-8000-0000000000c1", resourceId } } }),
    );
    const work = await mkdtemp(join(tmpdir(), "flotilla-self-hosted-"));
    dirs.push(work);
    const out = join(work, "clusters");
    const result = synthCli("--fleet", fleet, "--out", out);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);

    const objects = await renderedObjects(out);
    const files = [...objects.keys()].sort();
    expect(files.filter((file) => file.startsWith("staging/controllers/"))).toEqual([
      "staging/controllers/helmrelease_flux-system_karpenter.yaml",
      "staging/controllers/ocirepository_flux-system_karpenter.yaml",
      "staging/controllers/serviceaccount_kube-system_karpenter-sa.yaml",
    ]);
    const account = objects.get("staging/controllers/serviceaccount_kube-system_karpenter-sa.yaml")!;
    expect(account.metadata.annotations["azure.workload.identity/client-id"]).toBe(clientId);
    expect(identity.federatedCredentials.map((c) => c.subject)).toEqual(["system:serviceaccount:kube-system:karpenter-sa"]);
    const release = objects.get("staging/controllers/helmrelease_flux-system_karpenter.yaml")!;
    expect(release.spec.values.serviceAccount).toEqual({ create: false, name: "karpenter-sa" });
    const infrastructure = objects.get("staging/kustomization_flux-system_infrastructure.yaml")!;
    expect(infrastructure.spec.dependsOn).toEqual([{ name: "controllers" }]);

    // Flux applies the cluster root and each layer's directory: every object exactly once.
    const applied = new Map<string, number>();
    for (const dir of ["staging", "staging/controllers", "staging/infrastructure", "staging/platforms"]) {
      for (const manifest of kustomizeBuild(join(out, dir))) {
        const key = `${manifest.kind}|${manifest.metadata.namespace ?? ""}|${manifest.metadata.name}`;
        applied.set(key, (applied.get(key) ?? 0) + 1);
      }
    }
    const expected = [...objects.values()].map((o) => `${o.kind}|${o.metadata.namespace ?? ""}|${o.metadata.name}`).sort();
    expect([...applied.keys()].sort()).toEqual(expected);
    expect([...applied.values()].every((count) => count === 1)).toBe(true);
  });

  it("without the controller identity's outputs, its ServiceAccount waits for it (no client ID) and synth names the command that creates it", async () => {
    const fleet = await writeFleet({ "staging.mjs": cluster });
    dirs.push(fleet);
    const work = await mkdtemp(join(tmpdir(), "flotilla-self-hosted-"));
    dirs.push(work);
    const result = synthCli("--fleet", fleet, "--out", join(work, "clusters"));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/identity "karpenter" of cluster staging is pending .*pnpm bootstrap apply --cluster staging/);
    const account = await readFile(join(work, "clusters/staging/controllers/serviceaccount_kube-system_karpenter-sa.yaml"), "utf8");
    expect(account).toContain("flotilla.dev/pending-identity: karpenter");
    expect(account).not.toContain("client-id");
    expect(synthCli("--fleet", fleet, "--out", join(work, "clusters"), "--check").code).toBe(1);
  });
});
