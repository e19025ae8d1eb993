import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterSpecSchemaFor } from "@flotilla/fleet";
import { readFluxCrds } from "@flotilla/flux";
import { createValidator, type ObjectValidator } from "@flotilla/render/validate";
import { ChartValuesRegistry, formatProblem, type IdentityExpectations, validateTree, vendoredValuesChecker } from "@flotilla/review";
import { identityAzureName, identityResourceId, planIdentities } from "@flotilla/workload-identity";
import {
  addListedFile,
  encryptedSecret,
  fluxKustomization,
  helmRelease,
  helmRepository,
  namespace,
  removeListedFile,
  renderFixtureTree,
  writeFixtureTree,
  yamlFile,
} from "../packages/review/test/support/fixture-tree.js";
import { COMMAND_HINTS } from "../apps/fleet/src/cli/command-hints.js";
import { validCluster } from "./support/fixture-fleet.js";
import { PLATFORMS } from "@flotilla/platforms";

const CLIENT_ID = "c11e0000-0000-4000-8000-0000000000d1";
const argo = { chart: "argo-workflows", version: "0.47.5", repository: "argo" };

/** The fleet side: cluster dev federates analytics/runner with identity "analytics". */
function expectations(): IdentityExpectations {
  const spec = clusterSpecSchemaFor(PLATFORMS).parse({
    ...validCluster("dev"),
    namespaces: [{ name: "analytics" }],
    identities: [{ name: "analytics", serviceAccounts: [{ namespace: "analytics", name: "runner" }] }],
  });
  const { plan, problems } = planIdentities([spec], PLATFORMS);
  expect(problems).toEqual([]);
  const resourceId = identityResourceId(spec.azure.subscriptionId, spec.azure.resourceGroup, identityAzureName("dev", "analytics"));
  const outputs = { cluster: "dev", tenantId: spec.azure.tenantId, identities: { analytics: { clientId: CLIENT_ID, principalId: CLIENT_ID, resourceId } } };
  return { plans: plan.clusters, outputs: new Map([["dev", outputs]]), outputsFile: (cluster) => `apps/fleet/identity-outputs/${cluster}.json` };
}

function serviceAccount(ns: string, name: string, clientId = CLIENT_ID) {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: {
      name,
      namespace: ns,
      annotations: { "azure.workload.identity/client-id": clientId, "azure.workload.identity/tenant-id": "72f988bf-86f1-41af-91ab-2d7cd011db47" },
    },
  };
}

/** A valid tree: infrastructure (namespace, ServiceAccount, encrypted Secret) and platforms (Argo Workflows) after it. */
function validTree(): Map<string, string> {
  const files = renderFixtureTree([
    {
      name: "dev",
      dirs: {
        infrastructure: [namespace("analytics"), serviceAccount("analytics", "runner")],
        platforms: [namespace("argo"), helmRepository("argo", "https://argoproj.github.io/argo-helm"), helmRelease("argo", "argo-workflows", argo, { controller: { replicas: 2, podLabels: { team: "ml" } } })],
      },
      dependsOn: { platforms: ["infrastructure"] },
    },
  ]);
  addListedFile(files, "dev/infrastructure/secret_analytics_db.sops.yaml", encryptedSecret("analytics", "db", ["password"], "a1"));
  return files;
}

/** A fixture values.yaml of the chart, as a platform package would vendor it. */
const argoValues = parse(`
controller:
  replicas: 1
  podLabels: {}
  resources: {}
  workflowNamespaces:
    - default
server:
  enabled: true
  extraArgs: []
`) as unknown;

let work: string;
let validator: ObjectValidator;
let runs = 0;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-validate-"));
  validator = createValidator({ crds: await readFluxCrds() });
});
afterAll(async () => rm(work, { recursive: true, force: true }));

/** Validates the valid tree after `change`, returning the problem lines. */
async function problemsAfter(change: (files: Map<string, string>) => void, identities: IdentityExpectations | undefined = expectations()): Promise<string[]> {
  const files = validTree();
  change(files);
  const treeDir = join(work, `tree-${runs++}`, "clusters");
  await writeFixtureTree(treeDir, files);
  const charts = new ChartValuesRegistry().register(vendoredValuesChecker({ chart: "argo-workflows", version: "0.47.5", defaults: argoValues, source: "charts/argo-workflows/values.yaml" }));
  // The hints name the commands as the CLI spells them.
  const result = await validateTree({ files, treeDir, treePrefix: "clusters", validator, charts, commands: COMMAND_HINTS, ...(identities ? { identities } : {}) });
  return result.problems.map((problem) => formatProblem(problem, "clusters"));
}

const edit = (files: Map<string, string>, path: string, from: string | RegExp, to: string) => {
  const content = files.get(path)!;
  const changed = content.replace(from, to);
  if (changed === content) throw new Error(`${path}: ${String(from)} not found`);
  files.set(path, changed);
};

describe("validateTree on a fixture tree", () => {
  it("finds nothing wrong with the valid tree", async () => {
    expect(await problemsAfter(() => undefined)).toEqual([]);
  });

  it("schema: an unknown field of a Flux object", async () => {
    expect(await problemsAfter((f) => edit(f, "dev/platforms/helmrelease_argo_argo-workflows.yaml", "  interval: 10m", "  intervall: 10m"))).toEqual([
      "clusters/dev/platforms/helmrelease_argo_argo-workflows.yaml: HelmRelease argo/argo-workflows: .spec.interval: required field is missing [schema]",
      expect.stringMatching(/^clusters\/dev\/platforms\/helmrelease_argo_argo-workflows\.yaml: HelmRelease argo\/argo-workflows: \.spec\.intervall: unknown field \(did you mean "interval"\?.*\[schema\]$/),
    ]);
  });

  it("kustomize: a directory that does not build names the Kustomization that applies it", async () => {
    const lines = await problemsAfter((f) => edit(f, "dev/platforms/kustomization.yaml", "  - namespace_argo.yaml", "  - namespace_argo.yaml\n  - missing.yaml"));
    // Refused before kustomize runs: kustomize would try a path that is not in the tree as a remote URL.
    expect(lines).toEqual([expect.stringMatching(/^clusters\/dev\/platforms\/kustomization\.yaml: \.resources\[\d+\]: resource "missing\.yaml" is neither a file nor a directory of the tree: .* \[kustomize\]$/)]);
  });

  it("kustomize: a Kustomization path that does not exist or leaves the cluster", async () => {
    const lines = await problemsAfter((f) => {
      edit(f, "dev/kustomization_flux-system_platforms.yaml", "path: ./clusters/dev/platforms", "path: ./clusters/dev/platform");
      addListedFile(f, "dev/kustomization_flux-system_elsewhere.yaml", yamlFile({ ...fluxKustomization("prod", "elsewhere") }));
    });
    expect(lines).toContain(
      "clusters/dev/kustomization_flux-system_elsewhere.yaml: Kustomization flux-system/elsewhere: .spec.path: ./clusters/prod/elsewhere is outside clusters/dev; a cluster's Kustomizations apply only its own directory [kustomize]",
    );
    expect(lines).toContain(
      "clusters/dev/kustomization_flux-system_platforms.yaml: Kustomization flux-system/platforms: .spec.path: ./clusters/dev/platform does not exist in the tree (no clusters/dev/platform/); run `pnpm synth` [kustomize]",
    );
    // What the broken path would have applied is applied by nobody.
    expect(lines).toContain(
      "clusters/dev/platforms/namespace_argo.yaml: Namespace argo: not applied by any Flux Kustomization: clusters/dev/platforms/kustomization.yaml does not include it, or no Kustomization applies its directory; run `pnpm synth` [applied-once]",
    );
  });

  it("applied-once: an object no kustomization.yaml lists, and a directory applied by two Kustomizations", async () => {
    const lines = await problemsAfter((f) => {
      f.set("dev/platforms/namespace_extra.yaml", yamlFile(namespace("extra")));
      addListedFile(f, "dev/kustomization_flux-system_platforms-copy.yaml", yamlFile({ ...fluxKustomization("dev", "platforms"), metadata: { name: "platforms-copy", namespace: "flux-system" } }));
    });
    expect(lines).toContain(
      "clusters/dev/platforms/namespace_extra.yaml: Namespace extra: not applied by any Flux Kustomization: clusters/dev/platforms/kustomization.yaml does not include it, or no Kustomization applies its directory; run `pnpm synth` [applied-once]",
    );
    expect(lines).toContain(
      "clusters/dev/platforms/namespace_argo.yaml: Namespace argo: applied by 2 Flux Kustomizations (flux-system/platforms, flux-system/platforms-copy); every object must be applied by exactly one [applied-once]",
    );
  });

  it("applied-once: one object in two layers (the cluster's joint build fails; each directory is built on its own)", async () => {
    const lines = await problemsAfter((f) => addListedFile(f, "dev/platforms/namespace_analytics.yaml", f.get("dev/infrastructure/namespace_analytics.yaml")!));
    expect(lines).toEqual([
      "clusters/dev/infrastructure/namespace_analytics.yaml: Namespace analytics: applied by 2 Flux Kustomizations (flux-system/infrastructure, flux-system/platforms); every object must be applied by exactly one [applied-once]",
      "clusters/dev/platforms/namespace_analytics.yaml: Namespace analytics: defined in more than one file of the cluster; keep one [applied-once]",
    ]);
  });

  it("depends-on: a dependency that does not exist, and a cycle", async () => {
    let lines = await problemsAfter((f) => edit(f, "dev/kustomization_flux-system_platforms.yaml", "name: infrastructure", "name: databases"));
    expect(lines).toEqual([
      "clusters/dev/kustomization_flux-system_platforms.yaml: Kustomization flux-system/platforms: .spec.dependsOn[0]: no Kustomization flux-system/databases in cluster dev (it has: flux-system/infrastructure, flux-system/platforms) [depends-on]",
    ]);
    lines = await problemsAfter((f) => edit(f, "dev/kustomization_flux-system_infrastructure.yaml", "spec:\n", "spec:\n  dependsOn:\n    - name: platforms\n"));
    expect(lines).toEqual([
      "clusters/dev/kustomization_flux-system_infrastructure.yaml: Kustomization flux-system/infrastructure: .spec.dependsOn: dependency cycle between Kustomizations: flux-system/infrastructure → flux-system/platforms → flux-system/infrastructure; Flux would never apply them [depends-on]",
    ]);
  });

  it("sources: a HelmRelease and a Kustomization reading from sources the cluster does not have", async () => {
    const lines = await problemsAfter((f) => {
      edit(f, "dev/platforms/helmrelease_argo_argo-workflows.yaml", "name: argo\n", "name: argoproj\n");
      edit(f, "dev/kustomization_flux-system_infrastructure.yaml", "name: flotilla", "name: fleet");
    });
    expect(lines).toEqual([
      "clusters/dev/kustomization_flux-system_infrastructure.yaml: Kustomization flux-system/infrastructure: .spec.sourceRef: GitRepository flux-system/fleet does not exist in cluster dev (GitRepositorys it has: GitRepository/flux-system/flotilla) [sources]",
      "clusters/dev/platforms/helmrelease_argo_argo-workflows.yaml: HelmRelease argo/argo-workflows: .spec.chart.spec.sourceRef: HelmRepository flux-system/argoproj does not exist in cluster dev (HelmRepositorys it has: HelmRepository/flux-system/argo) [sources]",
    ]);
  });

  it("identities: a wrong client ID, a ServiceAccount no identity federates, and a planned one that is missing", async () => {
    let lines = await problemsAfter((f) => edit(f, "dev/infrastructure/serviceaccount_analytics_runner.yaml", CLIENT_ID, "c11e0000-0000-4000-8000-0000000000ff"));
    expect(lines).toEqual([
      `clusters/dev/infrastructure/serviceaccount_analytics_runner.yaml: ServiceAccount analytics/runner: .metadata.annotations["azure.workload.identity/client-id"]: must be ${CLIENT_ID}, the client ID of identity "analytics" in apps/fleet/identity-outputs/dev.json, but it has c11e0000-0000-4000-8000-0000000000ff; run \`pnpm synth\` [identities]`,
    ]);
    lines = await problemsAfter((f) => {
      removeListedFile(f, "dev/infrastructure/serviceaccount_analytics_runner.yaml");
      addListedFile(f, "dev/infrastructure/serviceaccount_analytics_other.yaml", yamlFile(serviceAccount("analytics", "other")));
    });
    expect(lines).toEqual([
      "clusters/dev/: ServiceAccount analytics/runner: identity \"analytics\" is federated with system:serviceaccount:analytics:runner (credential analytics-runner), but the ServiceAccount is not rendered; run `pnpm synth` [identities]",
      `clusters/dev/infrastructure/serviceaccount_analytics_other.yaml: ServiceAccount analytics/other: .metadata.annotations["azure.workload.identity/client-id"]: annotated with client ID ${CLIENT_ID}, but no identity of cluster dev is federated with system:serviceaccount:analytics:other: its token exchange would fail (AADSTS70021); add it to the cluster's identities, or remove the annotation [identities]`,
    ]);
  });

  it("fleet: a rendered cluster the fleet does not define", async () => {
    const lines = await problemsAfter((f) => {
      for (const [path, content] of [...f]) if (path.startsWith("dev/")) f.set(`old/${path.slice(4)}`, content.replaceAll("/clusters/dev/", "/clusters/old/"));
    });
    expect(lines).toEqual(["clusters/old/: no cluster of the fleet is named old; run `pnpm synth` to remove its generated files, or add its definition [fleet]"]);
  });

  it("chart-values: keys the vendored values.yaml does not have, with a suggestion; free-form maps pass", async () => {
    const lines = await problemsAfter((f) => edit(f, "dev/platforms/helmrelease_argo_argo-workflows.yaml", "    controller:\n", "    controler:\n      replicas: 1\n    server:\n      enabled: true\n      extraArgs: [--x]\n      replicas: 3\n    controller:\n"));
    expect(lines).toEqual([
      'clusters/dev/platforms/helmrelease_argo_argo-workflows.yaml: HelmRelease argo/argo-workflows: .spec.values.controler: unknown field (did you mean "controller"? known fields: controller, server): not a value of argo-workflows 0.47.5 (charts/argo-workflows/values.yaml) [chart-values]',
      'clusters/dev/platforms/helmrelease_argo_argo-workflows.yaml: HelmRelease argo/argo-workflows: .spec.values.server.replicas: unknown field (known fields: enabled, extraArgs): not a value of argo-workflows 0.47.5 (charts/argo-workflows/values.yaml) [chart-values]',
    ]);
  });

  it("secrets: a plaintext Secret, and a clear value in a SOPS file", async () => {
    const lines = await problemsAfter((f) => {
      addListedFile(f, "dev/infrastructure/secret_analytics_plain.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: plain\n  namespace: analytics\nstringData:\n  password: hunter2\n");
      edit(f, "dev/infrastructure/secret_analytics_db.sops.yaml", "stringData:\n", "stringData:\n    user: admin\n");
    });
    expect(lines).toEqual([
      "clusters/dev/infrastructure/secret_analytics_db.sops.yaml: Secret analytics/db: .stringData.user: expected an encrypted value (ENC[...]), found plaintext [secrets]",
      "clusters/dev/infrastructure/secret_analytics_plain.yaml: Secret analytics/plain: plaintext Secret: it has no sops block; store it with `pnpm secret set` (encrypted) and run `pnpm synth`; commit only the encrypted file [secrets]",
    ]);
  });

  it("checks encrypted objects against their schema in decrypted shape", async () => {
    const lines = await problemsAfter((f) => edit(f, "dev/infrastructure/secret_analytics_db.sops.yaml", "stringData:\n", "strinData:\n    x: y\nstringData:\n"));
    expect(lines).toEqual([expect.stringMatching(/secret_analytics_db\.sops\.yaml: Secret analytics\/db: \.strinData: unknown field \(did you mean "stringData"\?.*\[schema\]$/)]);
  });
});

describe("pnpm validate on the example fleet", () => {
  it("identities: a platform HelmRelease that lost its identity's client ID (chart-created ServiceAccounts)", async () => {
    const { synthCli, repoRoot } = await import("./support/synth-cli.js");
    const { validateCli } = await import("./support/review-cli.js");
    const { mkdir, readFile, writeFile } = await import("node:fs/promises");
    await mkdir(join(work, "example-platforms"));
    const out = join(work, "example-platforms", "clusters");
    expect(synthCli("--out", out).stderr).toBe("");
    const release = join(out, "dev", "platform-flyte", "helmrelease_flux-system_flyte-core.yaml");
    const outputs = JSON.parse(await readFile(join(repoRoot, "apps/fleet/identity-outputs/dev.json"), "utf8")) as { identities: Record<string, { clientId: string }> };
    const backend = outputs.identities["flyte-backend"]!.clientId;
    await writeFile(release, (await readFile(release, "utf8")).replaceAll(backend, "00000000-0000-4000-8000-000000000bad"));
    // About identities: the values-effect check (a render per value of the changed release) is left out.
    const result = validateCli(repoRoot, "--tree", out, "--no-values-effect");
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines.filter((line) => line.includes("[identities]"))).toEqual(
      ["datacatalog", "flyteadmin", "flytepropeller"].map((account) =>
        expect.stringContaining(`clusters/dev/platform-flyte/: ServiceAccount flyte/${account}: identity "flyte-backend" is federated with system:serviceaccount:flyte:${account} (credential flyte-${account}), created by the flyte chart, but no HelmRelease in platform-flyte/ carries its client ID ${backend}`),
      ),
    );
  });

  it("value types: a chart table set to a string is a problem of the release (Helm only warns, and installs it)", async () => {
    const { synthCli, repoRoot } = await import("./support/synth-cli.js");
    const { validateCli } = await import("./support/review-cli.js");
    const { mkdir, readFile, writeFile } = await import("node:fs/promises");
    await mkdir(join(work, "example-value-types"));
    const out = join(work, "example-value-types", "clusters");
    expect(synthCli("--out", out).stderr).toBe("");
    const release = join(out, "dev", "platform-argo-workflows", "helmrelease_flux-system_argo-workflows.yaml");
    await writeFile(release, (await readFile(release, "utf8")).replace("    controller:\n", "    controller:\n      resources: 2Gi\n"));
    const result = validateCli(repoRoot, "--tree", out);
    expect(result.code).toBe(1);
    // Warm (the release gate's memo and the tree file cache answer this time): the same problems.
    const problemLines = (stderr: string) => stderr.split("\n").filter((line) => line.endsWith("]"));
    expect(problemLines(validateCli(repoRoot, "--tree", out).stderr)).toEqual(problemLines(result.stderr));
    expect(result.stderr.split("\n").filter((line) => line.endsWith("[value-types]"))).toEqual([
      expect.stringMatching(
        /^dev: HelmRelease flux-system\/argo-workflows: \.spec\.values\.controller\.resources: the chart's default at controller\.resources is a table \(map\[\]\), but the release sets a string "2Gi": Helm keeps "2Gi" and drops the chart's table, .* In apps\/fleet\/src\/clusters\/dev\.ts, set controller\.resources to a table of the chart's keys, or remove it \[value-types\]$/,
      ),
    ]);
  });

  it("passes on what synth renders, and fails with one line per problem naming the file and the path", async () => {
    const { synthCli, repoRoot } = await import("./support/synth-cli.js");
    const { validateCli } = await import("./support/review-cli.js");
    const { mkdir, readFile, writeFile, readdir } = await import("node:fs/promises");
    await mkdir(join(work, "example"));
    const out = join(work, "example", "clusters");
    const synth = synthCli("--out", out);
    expect(synth.stderr).toBe("");
    let result = validateCli(repoRoot, "--tree", out);
    // Rendered as helm-controller does (every release of both clusters), the example fleet passes
    // every check, including those over what the releases render.
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^.*clusters\/ is valid \(2 cluster\(s\), \d+ object\(s\) in \d+ file\(s\), 12 kustomize build\(s\), 6 Helm release render\(s\)/);
    expect(result.code).toBe(0);

    const accounts = (await readdir(join(out, "dev", "infrastructure"))).filter((file) => file.startsWith("serviceaccount_") && !file.includes("flux-system"));
    const account = join(out, "dev", "infrastructure", accounts[0]!);
    await writeFile(account, (await readFile(account, "utf8")).replace(/client-id: [0-9a-f-]+/, "client-id: 00000000-0000-4000-8000-000000000bad"));
    await writeFile(join(out, "prod", "infrastructure", "namespace_stray.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: stray\n");
    result = validateCli(repoRoot, "--tree", out);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^.*clusters/dev/infrastructure/${accounts[0]!.replaceAll(".", "\\.")}: ServiceAccount .*: \\.metadata\\.annotations\\["azure\\.workload\\.identity/client-id"\\]: must be .* in apps/fleet/identity-outputs/dev\\.json, but it has 00000000-0000-4000-8000-000000000bad; run \`pnpm synth\` \\[identities\\]$`)),
      expect.stringMatching(/clusters\/prod\/infrastructure\/namespace_stray\.yaml: Namespace stray: not applied by any Flux Kustomization: .* \[applied-once\]$/),
      // The hand edit of a generated file is also a change synth would not make.
      expect.stringMatching(new RegExp(`^.*clusters/dev/infrastructure/${accounts[0]!.replaceAll(".", "\\.")}: differs from what synth renders from the fleet: .* \\[generated\\]$`)),
      expect.stringMatching(/^3 problem\(s\) \(2 cluster\(s\), .*\)\.$/),
    ]);
    // Warm: the same problems.
    expect(validateCli(repoRoot, "--tree", out).stderr.trim().split("\n").slice(0, -1)).toEqual(lines.slice(0, -1));
  }, 300_000);

  it("values-effect: a value the real chart ignores is a problem naming the cluster, the HelmRelease and the value path", async () => {
    const { synthCli, repoRoot } = await import("./support/synth-cli.js");
    const { validateCli } = await import("./support/review-cli.js");
    const { mkdir, readFile, writeFile } = await import("node:fs/promises");
    await mkdir(join(work, "ignored"));
    const out = join(work, "ignored", "clusters");
    expect(synthCli("--out", out).stderr).toBe("");
    // The UI subchart is off, so its backend's replicas are read by no template.
    const release = join(out, "dev", "platform-metaflow", "helmrelease_flux-system_metaflow.yaml");
    const text = await readFile(release, "utf8");
    await writeFile(release, text.replace(/\n( +)metaflow-ui:\n( +)enabled: false\n/, "\n$1metaflow-ui:\n$2enabled: false\n$2uiBackend:\n$2  replicaCount: 3\n"));
    expect(await readFile(release, "utf8")).not.toBe(text);
    const result = validateCli(repoRoot, "--tree", out, "--list-value-defaults");
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines.filter((line) => line.endsWith("[values-effect]"))).toEqual([
      expect.stringMatching(/^dev: HelmRelease flux-system\/metaflow: \.spec\.values\["metaflow-ui"\]\.uiBackend\.replicaCount: changes nothing the release renders, is not the chart's default .* \(the platform's values for apps\/fleet\/src\/clusters\/dev\.ts\) .* \[values-effect\]$/),
    ]);
    // The values that equal the chart's default pass, and are said on request.
    expect(result.stdout).toMatch(/^dev: HelmRelease flux-system\/metaflow: \d+ value\(s\) equal the chart's default, .*\.spec\.values\["metaflow-service"\]\.image\.tag \(what its templates compute when unset\) \[values-effect\]$/m);
  }, 300_000);
});
