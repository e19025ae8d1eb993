import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parse } from "yaml";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type ClusterSpec, loadFleet } from "@flotilla/fleet";
import {
  FEDERATED_CREDENTIAL_NAME_PATTERN,
  fluxControllerIdentities,
  type IdentityOutputs,
  type IdentityPlan,
  identityAzureName,
  identityResourceId,
  parseIdentityOutputs,
  planIdentities,
  serializeIdentityOutputs,
} from "@flotilla/workload-identity";
import { validCluster, writeFleet } from "./support/fixture-fleet.js";
import { repoRoot, synthCli } from "./support/synth-cli.js";
import { snapshotTree } from "./support/tree-snapshot.js";
import { PLATFORMS } from "@flotilla/platforms";

interface RenderedServiceAccount {
  cluster: string;
  file: string;
  namespace: string;
  name: string;
  annotations: Record<string, string>;
}

const CLIENT_ID = "azure.workload.identity/client-id";

/** The example fleet as synth loads it, from the TypeScript sources. */
async function exampleSpecs(): Promise<ClusterSpec[]> {
  const dir = join(repoRoot, "apps/fleet/src/clusters");
  const modules = [];
  for (const name of (await readdir(dir)).filter((file) => file.endsWith(".ts")).sort()) {
    const module = (await import(pathToFileURL(join(dir, name)).href)) as { default: unknown };
    modules.push({ file: `apps/fleet/src/clusters/${name}`, exported: module.default });
  }
  const fleet = loadFleet(modules, PLATFORMS);
  if (!fleet.ok) throw new Error(JSON.stringify(fleet.problems));
  return fleet.clusters.map((cluster) => cluster.spec);
}

/** Every ServiceAccount of a rendered tree that is bound to a managed identity. */
async function renderedServiceAccounts(out: string): Promise<RenderedServiceAccount[]> {
  const accounts: RenderedServiceAccount[] = [];
  for (const [file, bytes] of await snapshotTree(out)) {
    const object = parse(bytes.toString()) as { kind?: string; metadata?: { name: string; namespace: string; annotations?: Record<string, string> } };
    if (object.kind !== "ServiceAccount" || object.metadata?.annotations?.[CLIENT_ID] === undefined) continue;
    const { name, namespace, annotations } = object.metadata;
    accounts.push({ cluster: file.split("/")[0]!, file, name, namespace, annotations });
  }
  return accounts;
}

describe("the identity plan and the rendered ServiceAccounts agree", () => {
  let work: string;
  let specs: ClusterSpec[];
  let plan: IdentityPlan;
  let outputs: Map<string, IdentityOutputs>;
  let rendered: RenderedServiceAccount[];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "flotilla-identity-"));
    const out = join(work, "clusters");
    const result = synthCli("--out", out);
    if (result.code !== 0) throw new Error(result.stderr);
    specs = await exampleSpecs();
    const planned = planIdentities(specs, PLATFORMS);
    expect(planned.problems).toEqual([]);
    plan = planned.plan;
    outputs = new Map();
    for (const cluster of plan.clusters) {
      const file = join(repoRoot, "apps/fleet/identity-outputs", `${cluster.cluster}.json`);
      const parsed = parseIdentityOutputs(await readFile(file, "utf8"), file);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
      outputs.set(cluster.cluster, parsed.outputs);
    }
    rendered = await renderedServiceAccounts(out);
  });
  afterAll(async () => rm(work, { recursive: true, force: true }));

  it("the example fleet has identities, ServiceAccounts and external federations to compare", () => {
    expect(rendered.length).toBeGreaterThanOrEqual(3);
    const credentials = plan.clusters.flatMap((cluster) => cluster.identities.flatMap((identity) => identity.federatedCredentials));
    expect(credentials.some((credential) => credential.serviceAccount === undefined)).toBe(true);
  });

  it("every annotated ServiceAccount has exactly one matching federated credential", () => {
    for (const account of rendered) {
      const spec = specs.find((s) => s.name === account.cluster);
      const clusterPlan = plan.clusters.find((p) => p.cluster === account.cluster);
      expect(spec, account.file).toBeDefined();
      const clusterOutputs = outputs.get(account.cluster)!;
      const matches = clusterPlan!.identities.flatMap((identity) =>
        identity.federatedCredentials
          .filter(
            (credential) =>
              credential.issuer === spec!.azure.oidcIssuerUrl &&
              credential.subject === `system:serviceaccount:${account.namespace}:${account.name}` &&
              credential.audiences.length === 1 &&
              credential.audiences[0] === "api://AzureADTokenExchange" &&
              clusterOutputs.identities[identity.key]?.clientId === account.annotations[CLIENT_ID],
          )
          .map((credential) => `${identity.key}/${credential.name}`),
      );
      expect(matches, `${account.file} (${account.namespace}/${account.name})`).toHaveLength(1);
      expect(account.annotations["azure.workload.identity/tenant-id"]).toBe(spec!.azure.tenantId);
    }
  });

  it("every ServiceAccount credential of the plan matches exactly one rendered ServiceAccount", () => {
    let count = 0;
    for (const cluster of plan.clusters) {
      for (const identity of cluster.identities) {
        const clientId = outputs.get(cluster.cluster)!.identities[identity.key]!.clientId;
        for (const credential of identity.federatedCredentials) {
          if (credential.serviceAccount === undefined) continue;
          count++;
          const matches = rendered.filter(
            (account) =>
              account.cluster === cluster.cluster &&
              account.namespace === credential.serviceAccount!.namespace &&
              account.name === credential.serviceAccount!.name &&
              account.annotations[CLIENT_ID] === clientId,
          );
          expect(matches, `${cluster.cluster}: ${credential.name}`).toHaveLength(1);
          expect(credential.subject).toBe(`system:serviceaccount:${credential.serviceAccount.namespace}:${credential.serviceAccount.name}`);
        }
      }
    }
    expect(count).toBe(rendered.length);
  });

  it("every platform ServiceAccount credential is annotated with its identity's client ID by the platform's HelmRelease values", async () => {
    const releases: { cluster: string; dir: string; spec: Record<string, any> }[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const [file, bytes] of await snapshotTree(join(work, "clusters"))) {
      const object = parse(bytes.toString()) as { kind?: string; spec?: Record<string, unknown> };
      if (object.kind === "HelmRelease") releases.push({ cluster: file.split("/")[0]!, dir: file.split("/")[1]!, spec: object.spec! });
    }
    let count = 0;
    for (const cluster of plan.clusters) {
      for (const identity of cluster.identities) {
        const clientId = outputs.get(cluster.cluster)!.identities[identity.key]!.clientId;
        for (const credential of identity.federatedCredentials) {
          const account = credential.platformServiceAccount;
          if (account === undefined) continue;
          count++;
          expect(credential.subject).toBe(`system:serviceaccount:${account.namespace}:${account.name}`);
          const dir = `platform-${account.platform.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
          const release = releases.find((candidate) => candidate.cluster === cluster.cluster && candidate.dir === dir);
          expect(release, `${cluster.cluster}: HelmRelease of platform ${account.platform}`).toBeDefined();
          const values = release!.spec.values;
          if (account.platform === "argoWorkflows" || account.platform === "metaflow") {
            // The chart creates a ServiceAccount named in its values, annotated with the client ID.
            const accounts =
              account.platform === "metaflow"
                ? [values["metaflow-ui"].serviceAccount]
                : [values.controller.serviceAccount, values.server.serviceAccount, values.workflow.serviceAccount];
            const namespaces: string[] = account.platform === "argoWorkflows" && account.name === values.workflow.serviceAccount.name ? values.controller.workflowNamespaces : [release!.spec.targetNamespace];
            expect(namespaces, credential.name).toContain(account.namespace);
            expect(accounts.filter((candidate) => candidate.name === account.name && candidate.create === true && candidate.annotations[CLIENT_ID] === clientId), credential.name).toHaveLength(1);
            continue;
          }
          if (account.platform !== "flyte") throw new Error(`no agreement rule for platform ${account.platform}`);
          if (account.namespace === release!.spec.targetNamespace) {
            // A control-plane ServiceAccount the chart creates: <component>.serviceAccount.
            expect(values[account.name].serviceAccount, credential.name).toEqual({ create: true, annotations: { [CLIENT_ID]: clientId } });
            continue;
          }
          // A task namespace <project>-<domain>: the cluster resource templates annotate its `default` ServiceAccount.
          expect(account.name).toBe("default");
          const domains = (values.cluster_resource_manager.config.cluster_resources.customData as Record<string, { WIClientId?: { value: string } }[]>[]).map(
            (entry) => Object.entries(entry)[0]!,
          );
          const matches = domains.filter(([domain]) =>
            (values.flyteadmin.initialProjects as string[]).some((project) => `${project}-${domain}` === account.namespace),
          );
          expect(matches, credential.name).toHaveLength(1);
          expect(matches[0]![1][0]!.WIClientId!.value).toBe(clientId);
          const template = (values.cluster_resource_manager.templates as { key: string; value: string }[]).find((entry) => entry.key === "aab_default_service_account");
          expect(template?.value).toContain(`name: default\n  namespace: {{ namespace }}\n  annotations:\n    ${CLIENT_ID}: {{ WIClientId }}`);
        }
      }
    }
    expect(count).toBeGreaterThan(0);
  });

  it("every Flux controller credential is patched onto the controller with its client ID (flux bootstrap clusters)", async () => {
    let count = 0;
    for (const cluster of plan.clusters) {
      const spec = specs.find((s) => s.name === cluster.cluster)!;
      const controllers = fluxControllerIdentities(spec);
      const file = join(work, "clusters", cluster.cluster, "flux-system-patches", "kustomization.yaml");
      const component = spec.flux.bootstrap === "flux-cli" && controllers.length > 0 ? (parse(await readFile(file, "utf8")) as { patches: { patch: string; target: { kind: string; name: string } }[] }) : undefined;
      for (const { controller, identity: key } of controllers) {
        count++;
        const identity = cluster.identities.find((entry) => entry.key === key)!;
        expect(identity.federatedCredentials.map((credential) => [credential.issuer, credential.subject, credential.serviceAccount])).toEqual([
          [spec.azure.oidcIssuerUrl, `system:serviceaccount:flux-system:${controller}`, undefined],
        ]);
        if (component === undefined) continue;
        const patch = component.patches.find((entry) => entry.target.kind === "ServiceAccount" && entry.target.name === controller);
        expect(patch?.patch, `${cluster.cluster}: ${controller}`).toContain(`${CLIENT_ID}: "${outputs.get(cluster.cluster)!.identities[key]!.clientId}"`);
      }
    }
    expect(count).toBeGreaterThanOrEqual(3);
  });

  it("every credential is valid for Azure: name pattern, at most 20 per identity, unique issuer and subject", () => {
    for (const cluster of plan.clusters) {
      const seen = new Set<string>();
      for (const identity of cluster.identities) {
        expect(identity.federatedCredentials.length).toBeLessThanOrEqual(20);
        for (const credential of identity.federatedCredentials) {
          expect(credential.name).toMatch(FEDERATED_CREDENTIAL_NAME_PATTERN);
          const key = `${credential.issuer}\n${credential.subject}`;
          expect(seen.has(key), key).toBe(false);
          seen.add(key);
        }
      }
    }
  });

  it("the committed outputs describe the planned identities", () => {
    for (const cluster of plan.clusters) {
      const committed = outputs.get(cluster.cluster)!;
      expect(Object.keys(committed.identities).sort()).toEqual(cluster.identities.map((identity) => identity.key));
      for (const identity of cluster.identities) expect(committed.identities[identity.key]!.resourceId).toBe(identity.resourceId);
    }
  });
});

describe("synth without identity outputs", () => {
  let dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    dirs = [];
  });

  /** A copy of the committed clusters/ tree to run synth against. */
  async function committedCopy(): Promise<string> {
    const work = await mkdtemp(join(tmpdir(), "flotilla-outputs-"));
    dirs.push(work);
    const out = join(work, "clusters");
    await cp(join(repoRoot, "clusters"), out, { recursive: true });
    return out;
  }

  function identityCluster(name: string, issuerId: string) {
    return {
      ...validCluster(name, issuerId),
      namespaces: [{ name: "analytics" }],
      identities: [{ name: "analytics", serviceAccounts: [{ namespace: "analytics", name: "runner" }] }],
    };
  }

  it("renders the example fleet with every identity pending: no client ID anywhere, each identity and its command named, --check fails", async () => {
    const out = await committedCopy();
    const empty = await mkdtemp(join(tmpdir(), "flotilla-no-outputs-"));
    dirs.push(empty);
    const result = synthCli("--out", out, "--identity-outputs", empty);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^warning: \S*prod\.ts: identities\[\d+\]: identity "vendor-dataplane" of cluster prod is pending \(\S*prod\.json has no identities\["vendor-dataplane"\]: .*run `pnpm bootstrap apply --cluster prod`/m);
    expect(result.stderr).toMatch(/^warning: \S*dev\.ts: identities\[0\]: identity "analytics" of cluster dev is pending \(\S*dev\.json has no identities\.analytics: .*run `pnpm bootstrap apply --cluster dev`/m);
    const tree = await snapshotTree(out);
    const clientIds = [...tree].filter(([, content]) => content.toString().includes("azure.workload.identity/client-id")).map(([file]) => file);
    expect(clientIds).toEqual([]);
    expect(tree.get("dev/infrastructure/serviceaccount_analytics-dev_analytics-runner.yaml")?.toString()).toContain("flotilla.dev/pending-identity: analytics");
    const check = synthCli("--out", out, "--identity-outputs", empty, "--check");
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/^\S*dev\.ts: identities\[0\]: identity "analytics" of cluster dev is pending \(\S*dev\.json has no identities\.analytics/m);
  });

  it("fails when one identity's entry is missing or stale, and accepts complete outputs from <fleet>/identity-outputs", async () => {
    const out = await committedCopy();
    const fleet = await writeFleet({ "staging.mjs": identityCluster("staging", "00000000-0000-4000-8000-0000000000a1") });
    dirs.push(fleet);
    await mkdir(join(fleet, "identity-outputs"));
    const outputsFile = join(fleet, "identity-outputs", "staging.json");
    const cluster = validCluster("staging");
    const resourceId = identityResourceId(cluster.azure.subscriptionId, cluster.azure.resourceGroup, identityAzureName("staging", "analytics"));
    const entry = { clientId: "c11e0000-0000-4000-8000-0000000000a1", principalId: "9a1c0000-0000-4000-8000-0000000000a1", resourceId };

    await writeFile(outputsFile, serializeIdentityOutputs({ cluster: "staging", tenantId: cluster.azure.tenantId, identities: {} }));
    let result = synthCli("--fleet", fleet, "--out", out);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/staging\.mjs: identities\[0\]: identity "analytics" of cluster staging is pending \(\S*staging\.json has no identities\.analytics: .*run `pnpm bootstrap apply --cluster staging`/);
    const before = await snapshotTree(out);
    expect(before.get("staging/infrastructure/serviceaccount_analytics_runner.yaml")?.toString()).not.toContain("client-id");

    const stale = { ...entry, resourceId: resourceId.replace("/resourceGroups/rg-staging/", "/resourceGroups/rg-old/") };
    await writeFile(outputsFile, serializeIdentityOutputs({ cluster: "staging", tenantId: cluster.azure.tenantId, identities: { analytics: stale } }));
    result = synthCli("--fleet", fleet, "--out", out);
    expect(result.code).toBe(1);
    // The setting that caused the identity, then the outputs file's entry.
    expect(result.stderr).toMatch(/staging\.\w+: identities\[0\]: \S*staging\.json identities\.analytics\.resourceId: .*stale outputs/);
    expect(await snapshotTree(out)).toEqual(before);

    await writeFile(outputsFile, "{ not json");
    result = synthCli("--fleet", fleet, "--out", out);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/staging\.json: not valid JSON/);
    expect(await snapshotTree(out)).toEqual(before);

    await writeFile(outputsFile, serializeIdentityOutputs({ cluster: "staging", tenantId: cluster.azure.tenantId, identities: { analytics: entry } }));
    result = synthCli("--fleet", fleet, "--out", out);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const account = (await snapshotTree(out)).get("staging/infrastructure/serviceaccount_analytics_runner.yaml")?.toString();
    expect(account).toContain(`azure.workload.identity/client-id: ${entry.clientId}`);
  });

  it("reports plan problems against the cluster file, before reading outputs", async () => {
    const out = await committedCopy();
    const broken = identityCluster("staging", "00000000-0000-4000-8000-0000000000a2");
    broken.identities.push({ name: "copy", serviceAccounts: [{ namespace: "analytics", name: "runner" }] });
    const fleet = await writeFleet({ "staging.mjs": broken });
    dirs.push(fleet);
    const before = await snapshotTree(out);
    const result = synthCli("--fleet", fleet, "--out", out);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/staging\.mjs: identities\[1\]\.serviceAccounts\[0\]: ServiceAccount analytics\/runner is also federated by identity "analytics"/);
    expect(result.stderr).not.toContain("identity-outputs");
    expect(await snapshotTree(out)).toEqual(before);
  });
});
