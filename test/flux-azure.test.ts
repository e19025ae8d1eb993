import { kubectl } from "./support/tools.js";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdk8s";
import { parseAllDocuments, stringify } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { ClusterChart, clusterDocuments, fluxControllerPatches } from "@flotilla/cluster";
import { type ClusterSpec, clusterSpecSchemaFor, loadFleet } from "@flotilla/fleet";
import { type IdentityOutputs, planClusterIdentities } from "@flotilla/workload-identity";
import { createSchemaValidator } from "../apps/fleet/src/schema-validator.js";
import { validCluster } from "./support/fixture-fleet.js";
import { PLATFORMS } from "@flotilla/platforms";

const ISSUER = validCluster("wi").azure.oidcIssuerUrl;

/** A cluster using every Flux-on-Azure field. */
function fluxAzureCluster(overrides: Record<string, unknown> = {}) {
  return {
    ...validCluster("wi"),
    sops: { azureKeyVault: { vault: "kv-ml-wi", key: "sops" } },
    secrets: [
      { namespace: "flux-system", name: "ado-https", keys: ["username", "password"] },
      { namespace: "flux-system", name: "ado-ssh", keys: ["identity", "known_hosts"] },
      { namespace: "flux-system", name: "teams-webhook", keys: ["address"] },
      { namespace: "flux-system", name: "hub", keys: ["address"] },
      { namespace: "flux-system", name: "gh-token", keys: ["token"] },
    ],
    flux: {
      registry: { name: "crmlwi" },
      gitSources: [
        { name: "apps-https", url: "https://dev.azure.com/contoso/ml-platform/_git/apps", secretRef: "ado-https" },
        { name: "apps-ssh", url: "ssh://git@ssh.dev.azure.com/v3/contoso/ml-platform/apps", secretRef: "ado-ssh" },
        { name: "apps-wi", url: "https://dev.azure.com/contoso/ml-platform/_git/apps", provider: "azure" },
        { name: "public", url: "https://github.com/contoso/charts" },
      ],
      helmOciSources: [{ name: "charts", registry: "crmlwi", path: "helm" }],
      images: [
        { name: "runner", repository: "analytics/runner", semver: ">=1.0.0 <2.0.0" },
        { name: "nightly", repository: "analytics/runner", pattern: "^main-[a-f0-9]+-(?P<ts>[0-9]+)$", extract: "$ts" },
      ],
      notifications: [
        { name: "teams", type: "msteams", secretRef: "teams-webhook", severity: "info" },
        { name: "hub", type: "azureeventhub", secretRef: "hub" },
        { name: "status", type: "github", secretRef: "gh-token" },
      ],
      ...overrides,
    },
  };
}

function parse(input: unknown): ClusterSpec {
  return clusterSpecSchemaFor(PLATFORMS).parse(input);
}

function outputsFor(spec: ClusterSpec): IdentityOutputs {
  const { plan } = planClusterIdentities(spec, PLATFORMS);
  const identities = Object.fromEntries(
    plan.identities.map((identity, i) => [identity.key, { clientId: `00000000-0000-4000-8000-00000000000${i}`, principalId: `p${i}`, resourceId: identity.resourceId }]),
  );
  return { cluster: spec.name, tenantId: spec.azure.tenantId, identities } as IdentityOutputs;
}

function problemsOf(input: unknown): string[] {
  const result = loadFleet([{ file: "clusters/wi.ts", exported: input }], PLATFORMS);
  return result.ok ? [] : result.problems.map((problem) => `${problem.path}: ${problem.message}`);
}

describe("Flux controller identities", () => {
  const spec = parse(fluxAzureCluster());
  const { plan, problems } = planClusterIdentities(spec, PLATFORMS);

  it("the identity plan federates each controller's ServiceAccount with the cluster's issuer, with the narrowest roles", () => {
    expect(problems).toEqual([]);
    const byKey = new Map(plan.identities.map((identity) => [identity.key, identity]));
    for (const controller of ["kustomize-controller", "source-controller", "image-reflector-controller"]) {
      const identity = byKey.get(`flux-${controller}`);
      expect(identity, controller).toBeDefined();
      expect(identity!.name).toBe(`id-wi-flux-${controller}`);
      expect(identity!.federatedCredentials).toEqual([
        expect.objectContaining({ issuer: ISSUER, subject: `system:serviceaccount:flux-system:${controller}`, audiences: ["api://AzureADTokenExchange"] }),
      ]);
    }
    const registry = "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-wi/providers/Microsoft.ContainerRegistry/registries/crmlwi";
    for (const key of ["flux-source-controller", "flux-image-reflector-controller"]) {
      expect(byKey.get(key)!.roleAssignments.map((a) => [a.roleName, a.scope])).toEqual([["AcrPull", registry]]);
    }
    expect(byKey.get("flux-kustomize-controller")!.roleAssignments.map((a) => [a.roleName, a.scope])).toEqual([
      ["Key Vault Crypto User", "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-wi/providers/Microsoft.KeyVault/vaults/kv-ml-wi/keys/sops"],
    ]);
  });

  it("plans no controller identity without a registry, Key Vault or provider azure source", () => {
    expect(planClusterIdentities(parse(validCluster("wi")), PLATFORMS).plan.identities).toEqual([]);
  });

  describe("the rendered patches, included from a simulated flux-system/ with kustomize", () => {
    let work: string | undefined;
    afterAll(async () => work && rm(work, { recursive: true, force: true }));

    it("annotate the controllers' ServiceAccounts and label their pods, and nothing else", async () => {
      const outputs = outputsFor(spec);
      const component = fluxControllerPatches(spec, { plan, outputs });
      expect(component).toBeDefined();
      work = await mkdtemp(join(tmpdir(), "flotilla-flux-system-"));
      await mkdir(join(work, "flux-system"));
      await mkdir(join(work, "flux-system-patches"));
      await writeFile(join(work, "flux-system-patches", "kustomization.yaml"), stringify(component));
      const controllers = ["helm-controller", "image-reflector-controller", "kustomize-controller", "source-controller"];
      // What `flux bootstrap` writes (gotk-components.yaml, abridged), and its kustomization.yaml with the one-line edit.
      const components = controllers.flatMap((name) => [
        { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace: "flux-system" } },
        {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name, namespace: "flux-system" },
          spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { serviceAccountName: name, containers: [{ name: "manager", image: `ghcr.io/fluxcd/${name}` }] } } },
        },
      ]);
      await writeFile(join(work, "flux-system", "gotk-components.yaml"), components.map((object) => stringify(object)).join("---\n"));
      await writeFile(
        join(work, "flux-system", "kustomization.yaml"),
        stringify({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: ["gotk-components.yaml"], components: ["../flux-system-patches"] }),
      );
      const built = parseAllDocuments(execFileSync(kubectl, ["kustomize", join(work, "flux-system")], { encoding: "utf8" })).map(
        (doc) => doc.toJS() as { kind: string; metadata: { name: string; annotations?: Record<string, string> }; spec?: { template: { metadata: { labels: Record<string, string> } } } },
      );
      for (const name of controllers) {
        const account = built.find((object) => object.kind === "ServiceAccount" && object.metadata.name === name)!;
        const deployment = built.find((object) => object.kind === "Deployment" && object.metadata.name === name)!;
        const identity = outputs.identities[`flux-${name}`];
        expect(account.metadata.annotations?.["azure.workload.identity/client-id"], name).toBe(identity?.clientId);
        expect(deployment.spec!.template.metadata.labels["azure.workload.identity/use"], name).toBe(identity === undefined ? undefined : "true");
        expect(deployment.spec!.template.metadata.labels.app).toBe(name);
      }
    });
  });

  it("is not rendered for the AKS GitOps extension (Azure manages Flux there)", () => {
    const extension = parse({ ...fluxAzureCluster(), flux: { ...fluxAzureCluster().flux, bootstrap: "aks-extension" } });
    const extensionPlan = planClusterIdentities(extension, PLATFORMS).plan;
    expect(fluxControllerPatches(extension, { plan: extensionPlan, outputs: outputsFor(extension) })).toBeUndefined();
  });
});

describe("Flux sources and notifications", () => {
  it("every rendered object validates against the vendored Flux CRDs", async () => {
    const spec = parse(fluxAzureCluster());
    const { plan } = planClusterIdentities(spec, PLATFORMS);
    const chart = new ClusterChart(new App(), spec, { platforms: PLATFORMS, identities: { plan, outputs: outputsFor(spec) } });
    const { documents } = clusterDocuments(chart);
    const objects = documents.map((document) => document.object as { apiVersion: string; kind: string; metadata: { name: string }; spec: Record<string, unknown> });
    const validator = await createSchemaValidator();
    for (const object of objects) expect(validator.validate(object), `${object.kind} ${object.metadata.name}`).toEqual([]);
    const find = (kind: string, name: string) => objects.find((object) => object.kind === kind && object.metadata.name === name)!;
    expect(find("GitRepository", "apps-https").spec).toMatchObject({ url: "https://dev.azure.com/contoso/ml-platform/_git/apps", secretRef: { name: "ado-https" } });
    expect(find("GitRepository", "apps-ssh").spec).toMatchObject({ url: "ssh://git@ssh.dev.azure.com/v3/contoso/ml-platform/apps", secretRef: { name: "ado-ssh" } });
    expect(find("GitRepository", "apps-wi").spec).toMatchObject({ provider: "azure" });
    expect(find("HelmRepository", "charts").spec).toMatchObject({ type: "oci", provider: "azure", url: "oci://crmlwi.azurecr.io/helm" });
    expect(find("Provider", "status").spec).toEqual({ type: "github", secretRef: { name: "gh-token" }, address: "https://github.com/contoso/ml-fleet" });
    expect(find("ImageRepository", "runner").spec).toEqual({ image: "crmlwi.azurecr.io/analytics/runner", interval: "5m", provider: "azure" });
    expect(find("ImagePolicy", "runner").spec).toEqual({ imageRepositoryRef: { name: "runner" }, policy: { semver: { range: ">=1.0.0 <2.0.0" } } });
    expect(find("ImagePolicy", "nightly").spec).toMatchObject({ filterTags: { pattern: "^main-[a-f0-9]+-(?P<ts>[0-9]+)$", extract: "$ts" }, policy: { numerical: { order: "asc" } } });
    expect(find("Alert", "teams").spec).toMatchObject({ eventSeverity: "info", eventSources: [{ kind: "Kustomization", name: "*", namespace: "flux-system" }] });
  });

  it("a scp-like Azure DevOps URL fails at load time with the ssh:// form in the message", () => {
    const problems = problemsOf(fluxAzureCluster({ gitSources: [{ name: "apps", url: "git@ssh.dev.azure.com:v3/contoso/ml-platform/apps", secretRef: "ado-ssh" }] }));
    expect(problems).toEqual([expect.stringMatching(/^flux\.gitSources\[0\]\.url: scp-like SSH addresses .* use "ssh:\/\/git@ssh\.dev\.azure\.com\/v3\/contoso\/ml-platform\/apps"$/)]);
  });

  it("an old visualstudio.com URL fails with the dev.azure.com form", () => {
    const problems = problemsOf(fluxAzureCluster({ gitSources: [{ name: "apps", url: "https://contoso.visualstudio.com/ml-platform/_git/apps", secretRef: "ado-https" }] }));
    expect(problems.join("\n")).toContain('use "https://dev.azure.com/contoso/ml-platform/_git/apps"');
  });

  it("reports missing Secrets and keys, ssh without a Secret, provider azure outside Azure DevOps, and a registry without AcrPull", () => {
    const problems = problemsOf({
      ...fluxAzureCluster({
        gitSources: [
          { name: "a", url: "ssh://git@ssh.dev.azure.com/v3/contoso/ml-platform/apps" },
          { name: "b", url: "https://github.com/contoso/apps", provider: "azure" },
          { name: "c", url: "https://dev.azure.com/contoso/ml-platform/_git/apps", secretRef: "ado-ssh" },
        ],
        helmOciSources: [{ name: "charts", registry: "crother" }],
        notifications: [{ name: "teams", type: "msteams", secretRef: "nope" }],
        images: [{ name: "runner", repository: "analytics/runner", pattern: "^v(?P<n>[0-9]+)$" }],
      }),
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^flux\.gitSources\[0\]\.secretRef: an ssh:\/\/ URL needs a Secret with the keys identity and known_hosts/),
        expect.stringMatching(/^flux\.gitSources\[1\]\.provider: provider "azure" \(workload identity\) works only with Azure DevOps over https/),
        expect.stringMatching(/^flux\.gitSources\[2\]\.secretRef: Secret flux-system\/ado-ssh .* must hold the keys password, username/),
        expect.stringMatching(/^flux\.helmOciSources\[0\]\.registry: source-controller has AcrPull only on flux\.registry/),
        expect.stringMatching(/^flux\.notifications\[0\]\.secretRef: Secret flux-system\/nope .* is not in secrets; add \{ namespace: "flux-system", name: "nope", keys: \["address"\] \}/),
      ]),
    );
    expect(problems).toContainEqual(expect.stringMatching(/^flux\.images\[0\]\.extract: required with pattern/));
    expect(problems).toHaveLength(6);
  });
});
