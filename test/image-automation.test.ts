/**
 * Image update automation: the ImageUpdateAutomation rendered for clusters that automate images,
 * images.yaml (the file Flux's setters edit and synth reads) checked strictly by the synth CLI,
 * and the current image set into platform HelmRelease values in each shape a chart uses.
 */
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdk8s";
import { parse } from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ClusterChart, clusterDocuments, type PlatformValue } from "@flotilla/cluster";
import { type ClusterSpec, clusterSpecSchemaFor, type LoadedCluster } from "@flotilla/fleet";
import { type IdentityOutputs, planClusterIdentities } from "@flotilla/workload-identity";
import { vendoredChartValues } from "../apps/fleet/src/chart-values.js";
import { checkImageTagsFile, imageTagsTemplate } from "../apps/fleet/src/image-tags-file.js";
import { readImageTags } from "../apps/fleet/src/image-tags.js";
import { resolveImageValues } from "../apps/fleet/src/image-values.js";
import { createSchemaValidator } from "../apps/fleet/src/schema-validator.js";
import { validCluster } from "./support/fixture-fleet.js";
import { validateCli } from "./support/review-cli.js";
import { repoRoot, synthCli } from "./support/synth-cli.js";
import { snapshotTree } from "./support/tree-snapshot.js";
import { PLATFORMS } from "@flotilla/platforms";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rendered objects are arbitrary JSON
type Json = Record<string, any>;

const IMAGES_FILE = join(repoRoot, "apps/fleet/images/dev/images.yaml");
const REPOSITORY = "crmldev.azurecr.io/mirror/outerbounds/metaflow_metadata_service";
const MARKER = '{"$imagepolicy": "flux-system:metaflow-metadata"}';
const HEADER = "apiVersion: flotilla.dev/v1alpha1\nkind: ImageTags\nmetadata:\n  name: dev\n";

describe("the committed images.yaml of the example fleet", () => {
  it("is what the missing-file message tells to write (header comment, KRM header, one marked line), with the current tag", async () => {
    const text = await readFile(IMAGES_FILE, "utf8");
    const image = { name: "metaflow-metadata", repository: REPOSITORY, field: "flux.images[1]" };
    expect(text).toBe(imageTagsTemplate("dev", [image]).replace(":<tag> #", ":v2.4.13 #"));
    expect(text).toContain(`\n${HEADER}images:\n  metaflow-metadata: ${REPOSITORY}:v2.4.13 # ${MARKER}\n`);
    expect(checkImageTagsFile(text, "dev", [image]).problems).toEqual([]);
  });

  it("is where the rendered ImageUpdateAutomation looks, and its marker names a rendered ImagePolicy", async () => {
    const automation = parse(await readFile(join(repoRoot, "clusters/dev/infrastructure/imageupdateautomation_flux-system_flotilla.yaml"), "utf8")) as Json;
    expect(automation.spec.update).toEqual({ strategy: "Setters", path: "./apps/fleet/images/dev" });
    expect(automation.spec.sourceRef).toEqual({ kind: "GitRepository", name: "flotilla" });
    expect(automation.spec.git.checkout.ref.branch).toBe(automation.spec.git.push.branch);
    const policy = parse(await readFile(join(repoRoot, "clusters/dev/infrastructure/imagepolicy_flux-system_metaflow-metadata.yaml"), "utf8")) as Json;
    expect(policy.metadata).toMatchObject({ name: "metaflow-metadata", namespace: "flux-system", labels: { "image.flotilla.dev/automated": "true" } });
    // Only the automated images' policies are applied: analytics-runner is scanned, never written.
    expect(automation.spec.policySelector).toEqual({ matchLabels: { "image.flotilla.dev/automated": "true" } });
    const runner = parse(await readFile(join(repoRoot, "clusters/dev/infrastructure/imagepolicy_flux-system_analytics-runner.yaml"), "utf8")) as Json;
    expect(runner.metadata.labels).not.toHaveProperty("image.flotilla.dev/automated");
    const validator = await createSchemaValidator();
    expect(validator.validate(automation)).toEqual([]);
  });
});

describe("synth with the example fleet's images.yaml", () => {
  let work: string;
  let out: string;
  let images: string;

  // A repository (work/.git) holding the images at the example fleet's path, so update.path stays ./apps/fleet/images/<cluster>.
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), "flotilla-images-"));
    out = join(work, "clusters");
    images = join(work, "apps/fleet/images");
    await mkdir(join(work, ".git"));
    await cp(join(repoRoot, "clusters"), out, { recursive: true });
    await cp(join(repoRoot, "apps/fleet/images"), images, { recursive: true });
  });
  afterEach(async () => rm(work, { recursive: true, force: true }));

  /** Runs synth with `content` as dev's images.yaml (deleted when undefined); clusters/ must stay unchanged. */
  async function failingSynth(content: string | undefined): Promise<string> {
    const file = join(images, "dev", "images.yaml");
    if (content === undefined) await rm(file);
    else await writeFile(file, content);
    const before = await snapshotTree(out);
    const result = synthCli("--images", images, "--out", out);
    expect(result.code, result.stdout).toBe(1);
    expect(result.stderr).toContain("clusters/ was not changed");
    expect(await snapshotTree(out)).toEqual(before);
    return result.stderr;
  }

  const entry = (value: string) => `${HEADER}images:\n  metaflow-metadata: ${value}\n`;

  it("a missing file shows the lines to add", async () => {
    const stderr = await failingSynth(undefined);
    expect(stderr).toMatch(/images\/dev\/images\.yaml: missing: apps\/fleet\/src\/clusters\/dev\.ts automates flux\.images\[1\]; create it/);
    expect(stderr).toContain("(`flux get images policy metaflow-metadata` shows the tag Flux selects)");
    expect(stderr).toContain(`${HEADER}images:\n  metaflow-metadata: ${REPOSITORY}:<tag> # ${MARKER}`);
  });

  it("renders update.path from the directory it reads, relative to the root of its repository", async () => {
    const moved = join(work, "ops/image-tags");
    await mkdir(join(work, "ops"));
    await rename(images, moved);
    const result = synthCli("--images", moved, "--out", out);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^1 drifted, 0 missing, 0 stale:\n {2}drifted .*clusters\/dev\/infrastructure\/imageupdateautomation_flux-system_flotilla\.yaml\n/);
    const automation = parse(await readFile(join(out, "dev/infrastructure/imageupdateautomation_flux-system_flotilla.yaml"), "utf8")) as Json;
    expect(automation.spec.update).toEqual({ strategy: "Setters", path: "./ops/image-tags/dev" });
  });

  it("refuses an images directory outside any Git repository, naming the option", async () => {
    await rm(join(work, ".git"), { recursive: true });
    const stderr = await failingSynth(await readFile(join(images, "dev", "images.yaml"), "utf8"));
    expect(stderr).toMatch(/apps\/fleet\/images: the image tags directory \(--images\) is not inside a Git repository, so Flux's ImageUpdateAutomation could not update the tags synth reads there; use a directory of the fleet repository Flux pushes to \(--images <dir in the repository>\)/);
  });

  it("reports a wrong header, a stale entry and a missing entry, each at its field", async () => {
    const stderr = await failingSynth(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: prod\nimages:\n  analytics-runner: crmldev.azurecr.io/analytics/runner:1.0.0 # {"$imagepolicy": "flux-system:analytics-runner"}\n`);
    expect(stderr).toMatch(/images\.yaml: apiVersion: must be "flotilla\.dev\/v1alpha1", got "v1"/);
    expect(stderr).toMatch(/images\.yaml: kind: must be "ImageTags", got "ConfigMap"/);
    expect(stderr).toMatch(/images\.yaml: metadata\.name: must be "dev", got "prod"/);
    expect(stderr).toMatch(/images\.yaml: images\.analytics-runner: no automated image of cluster dev is named "analytics-runner" \(automated: metaflow-metadata\); remove this line/);
    expect(stderr).toMatch(/images\.yaml: images\.metaflow-metadata: missing: flux\.images\[1\] is automated; add under images:/);
  });

  it("rejects a file that is not a map, or whose images are a list", async () => {
    expect(await failingSynth(`- ${REPOSITORY}:v2.4.13\n`)).toMatch(/images\.yaml: must be a map starting with apiVersion and kind/);
    expect(await failingSynth(`${HEADER}images:\n  - ${REPOSITORY}:v2.4.13 # ${MARKER}\n`)).toMatch(/images\.yaml: images: must be a map of <name>: <image>:<tag> lines \(not a list/);
  });

  it.each([
    ["no marker", entry(`${REPOSITORY}:v2.4.13`), /images\.metaflow-metadata: the marker is missing from the line of the value/],
    [
      "the marker on the line above",
      `${HEADER}images:\n  # ${MARKER}\n  metaflow-metadata: ${REPOSITORY}:v2.4.13\n`,
      /images\.metaflow-metadata: the marker is missing from the line of the value: .* write metaflow-metadata: .*:v2\.4\.13 # \{"\$imagepolicy": "flux-system:metaflow-metadata"\}/,
    ],
    [
      "a marker naming another policy",
      entry(`${REPOSITORY}:v2.4.13 # {"$imagepolicy": "flux-system:analytics-runner"}`),
      /images\.metaflow-metadata: the marker is "\{\\"\$imagepolicy\\": \\"flux-system:analytics-runner\\"\}"; it must be \{"\$imagepolicy": "flux-system:metaflow-metadata"\}/,
    ],
    ["a marker in another namespace", entry(`${REPOSITORY}:v2.4.13 # {"$imagepolicy": "apps:metaflow-metadata"}`), /the marker is .*apps:metaflow-metadata.*; it must be \{/],
    ["the tag-only marker", entry(`${REPOSITORY}:v2.4.13 # {"$imagepolicy": "flux-system:metaflow-metadata:tag"}`), /it must be \{"\$imagepolicy": "flux-system:metaflow-metadata"\} \(the ImagePolicy flux-system\/metaflow-metadata, whole image reference\)/],
    ["another repository", entry(`docker.io/outerbounds/metaflow_metadata_service:v2.4.13 # ${MARKER}`), /image "docker\.io\/outerbounds\/metaflow_metadata_service" is not the repository Flux scans for flux\.images\[1\] \(crmldev\.azurecr\.io\/mirror\/outerbounds\/metaflow_metadata_service\)/],
    ["no tag", entry(`${REPOSITORY} # ${MARKER}`), /has no tag; write crmldev\.azurecr\.io\/mirror\/outerbounds\/metaflow_metadata_service:<tag>/],
    ["an invalid tag", entry(`${REPOSITORY}:-v2 # ${MARKER}`), /tag "-v2" is not a valid image tag/],
    ["a digest", entry(`${REPOSITORY}@sha256:${"a".repeat(64)} # ${MARKER}`), /has a digest; write the tag form/],
  ])("rejects %s, naming the file, the entry and the fix", async (_, content, message) => {
    expect(await failingSynth(content)).toMatch(message);
  });

  it("picks up a tag changed on the marked line (as Flux or a person does) into the HelmRelease values and the Metaflow UI backend", async () => {
    const file = join(images, "dev", "images.yaml");
    const text = await readFile(file, "utf8");
    const changed = text.replace(`${REPOSITORY}:v2.4.13 # ${MARKER}`, `${REPOSITORY}:v2.4.14 # ${MARKER}`);
    expect(changed).not.toBe(text);
    await writeFile(file, changed);
    const result = synthCli("--images", images, "--out", out);
    expect(result.code, result.stderr).toBe(0);
    // The UI backend flotilla renders runs the metadata service's image, so it moves too.
    expect(result.stdout).toMatch(
      /^2 drifted, 0 missing, 0 stale:\n {2}drifted .*clusters\/dev\/platform-metaflow\/deployment_metaflow_metaflow-metaflow-ui\.yaml\n {2}drifted .*clusters\/dev\/platform-metaflow\/helmrelease_flux-system_metaflow\.yaml\n/,
    );
    const release = parse(await readFile(join(out, "dev/platform-metaflow/helmrelease_flux-system_metaflow.yaml"), "utf8")) as Json;
    expect(release.spec.values["metaflow-service"].image).toMatchObject({ repository: REPOSITORY, tag: "v2.4.14" });
    const backend = parse(await readFile(join(out, "dev/platform-metaflow/deployment_metaflow_metaflow-metaflow-ui.yaml"), "utf8")) as Json;
    expect(backend.spec.template.spec.containers[0].image).toBe(`${REPOSITORY}:v2.4.14`);
    expect(synthCli("--images", images, "--out", out, "--check").code).toBe(0);
    expect(synthCli("--out", out, "--check").code).toBe(1);
  });

  it("pnpm validate fails a tree that was not re-synthesized after the tag changed, naming the value and images.yaml", async () => {
    const file = join(images, "dev", "images.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace(":v2.4.13 #", ":v2.4.14 #"));
    // About image values: the values-effect check (a render per value of each changed release) is left out.
    const result = validateCli(repoRoot, "--tree", out, "--images", images, "--no-values-effect");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /dev\/platform-metaflow\/helmrelease_flux-system_metaflow\.yaml: HelmRelease flux-system\/metaflow: \.spec\.values\.metaflow-service\.image\.tag: is "v2\.4\.13", but .*images\/dev\/images\.yaml says "v2\.4\.14" \(the tree was not re-synthesized\); run `pnpm synth` and commit clusters\/ \[images\]/,
    );
    expect(result.stderr.match(/\[images\]/g)).toHaveLength(1);
    expect(synthCli("--images", images, "--out", out).code).toBe(0);
    const after = validateCli(repoRoot, "--tree", out, "--images", images, "--no-values-effect");
    expect(after.stderr).toBe("");
    expect(after.code).toBe(0);
  });

  it("rejects images.yaml of a cluster that automates nothing, and of a cluster not in the fleet", async () => {
    await cp(join(images, "dev"), join(images, "staging"), { recursive: true });
    await cp(join(images, "dev"), join(images, "prod"), { recursive: true });
    await writeFile(join(images, ".gitkeep"), ""); // dotfiles are not clusters
    const stderr = await failingSynth(await readFile(join(images, "dev", "images.yaml"), "utf8"));
    expect(stderr).toMatch(/images\/staging: image tags of "staging", which is not a cluster of the fleet \(dev, prod\); delete it/);
    expect(stderr).toMatch(/images\/prod\/images\.yaml: cluster prod automates no image \(flux\.images\[\]\.automate\), so nothing reads this file; delete it/);
    expect(stderr).not.toContain(".gitkeep");
  });
});

describe("the marker of an images.yaml line", () => {
  const image = { name: "metaflow-metadata", repository: REPOSITORY, field: "flux.images[1]" };
  const problemsWith = (comment: string) => checkImageTagsFile(`${HEADER}images:\n  metaflow-metadata: ${REPOSITORY}:v2.4.13 ${comment}\n`, "dev", [image]).problems;

  it.each([
    ["Flux's documented spacing", `# ${MARKER}`],
    ["no spaces", '# {"$imagepolicy":"flux-system:metaflow-metadata"}'],
    ["spaces inside the braces and around the colon", '# { "$imagepolicy" : "flux-system:metaflow-metadata" }'],
    ["no space after #, trailing spaces", `#${MARKER}   `],
  ])("accepts %s: Flux parses the comment as a JSON object", (_, comment) => {
    expect(problemsWith(comment)).toEqual([]);
  });

  it.each([
    ["another policy", '# {"$imagepolicy":"flux-system:analytics-runner"}'],
    ["not JSON", "# $imagepolicy: flux-system:metaflow-metadata"],
    ["an extra key", '# {"$imagepolicy": "flux-system:metaflow-metadata", "x": 1}'],
  ])("rejects %s, showing the expected marker", (_, comment) => {
    expect(problemsWith(comment)).toEqual([
      { path: "images.metaflow-metadata", message: expect.stringContaining(`; it must be ${MARKER} (the ImagePolicy flux-system/metaflow-metadata, whole image reference)`) },
    ]);
  });
});

describe("readImageTags", () => {
  it("fails on a directory it cannot list (only a missing directory means no files)", async () => {
    const work = await mkdtemp(join(tmpdir(), "flotilla-images-"));
    try {
      const file = join(work, "images");
      await writeFile(file, "not a directory");
      const location = { dir: file, option: "--images", displayName: (path: string) => path };
      await expect(readImageTags(location, [])).rejects.toThrow(/ENOTDIR/);
      expect(await readImageTags({ ...location, dir: join(work, "missing") }, [])).toEqual({ tags: new Map(), problems: [] });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});

describe("platform values of automated images", () => {
  const AGE = "age1qcd9gd8rhpwsezw43s8yltsu357jw5yvlv9s5xa0x84vxh79hf0qc97mw9";
  const db = { host: "psql-alpha.postgres.database.azure.com" };
  const platforms = {
    flyte: { storage: { account: "stalphaflyte", container: "flyte" }, database: db },
    argoWorkflows: { storage: { account: "stalphaargo", container: "artifacts" }, database: db },
    metaflow: { storage: { account: "stalphametaflow", container: "metaflow" }, database: db },
  };

  function cluster(values: unknown[]): LoadedCluster {
    const spec = clusterSpecSchemaFor(PLATFORMS).parse({
      ...validCluster("alpha"),
      sops: { age: [AGE] },
      platforms,
      flux: { registry: { name: "cralpha" }, images: values.map((value, i) => ({ name: `image-${i}`, repository: `mirror/image-${i}`, semver: ">=1.0.0", automate: { values: [value] } })) },
    });
    return { file: "apps/fleet/src/clusters/alpha.ts", spec };
  }

  function render(spec: ClusterSpec, platformValues: ReadonlyMap<string, PlatformValue[]>) {
    const { plan } = planClusterIdentities(spec, PLATFORMS);
    const outputs: IdentityOutputs = {
      cluster: spec.name,
      tenantId: spec.azure.tenantId,
      identities: Object.fromEntries(plan.identities.map((identity) => [identity.key, { clientId: "11111111-0000-4000-8000-000000000001", principalId: "p", resourceId: identity.resourceId }])),
    };
    const props = { platforms: PLATFORMS, identities: { plan, outputs }, encryptedSecrets: spec.secrets, platformValues: platformValues.get(spec.name) ?? [] };
    expect(() => new ClusterChart(new App(), spec, props)).toThrow(/ClusterChart alpha: the cluster automates images .*, so the repository path of its image tags directory \(imageTagsPath\) is required/);
    const chart = new ClusterChart(new App(), spec, { ...props, imageTagsPath: "./fleet/images/alpha" });
    const automation = clusterDocuments(chart).documents.map((document) => document.object as Json).find((object) => object.kind === "ImageUpdateAutomation")!;
    expect(automation.spec.update.path).toBe("./fleet/images/alpha");
    const objects = clusterDocuments(chart).documents.map((document) => document.object as Json);
    return (name: string) => objects.find((object) => object.kind === "HelmRelease" && object.metadata.name === name)!.spec.values as Json;
  }

  const tagsOf = (loaded: LoadedCluster, tag: string) =>
    new Map([[loaded.spec.name, new Map(loaded.spec.flux.images.map((image) => [image.name, { repository: `cralpha.azurecr.io/${image.repository}`, tag }]))]]);

  it("writes each chart's shape: registry + repository + tag, repository + tag, a whole reference; other keys stay", async () => {
    const loaded = cluster([
      { platform: "argoWorkflows", path: "executor.image" },
      { platform: "flyte", path: "flytepropeller.image" },
      { platform: "flyte", path: "configmap.copilot.plugins.k8s.co-pilot.image" },
      { platform: "metaflow", path: "metaflow-service.image" },
      { platform: "metaflow", path: "metaflow-ui.uiBackend.image" },
    ]);
    const resolved = resolveImageValues([loaded], tagsOf(loaded, "1.2.3"), await vendoredChartValues()());
    expect(resolved.problems).toEqual([]);
    const values = render(loaded.spec, resolved.values);
    expect(values("argo-workflows").executor.image).toEqual({ registry: "cralpha.azurecr.io", repository: "mirror/image-0", tag: "1.2.3" });
    expect(values("flyte-core").flytepropeller.image).toEqual({ repository: "cralpha.azurecr.io/mirror/image-1", tag: "1.2.3" });
    expect(values("flyte-core").configmap.copilot.plugins.k8s["co-pilot"].image).toBe("cralpha.azurecr.io/mirror/image-2:1.2.3");
    expect(values("metaflow")["metaflow-service"].image).toEqual({ repository: "cralpha.azurecr.io/mirror/image-3", tag: "1.2.3" });
    // metaflow-ui's chart names the image `name` (+ tag); its pullPolicy stays the chart's.
    expect(values("metaflow")["metaflow-ui"].uiBackend.image).toEqual({ name: "cralpha.azurecr.io/mirror/image-4", tag: "1.2.3" });
    // What the platform set beside the image is kept (metaflow-service's database settings).
    expect(values("metaflow")["metaflow-service"].metadatadb).toBeDefined();
  });

  it("names the field of a path the chart does not have, or whose default is not an image (a number, a string that is no image reference)", async () => {
    const loaded = cluster([
      { platform: "flyte", path: "flytepropeler.image" },
      { platform: "argoWorkflows", path: "controller.replicas" },
      { platform: "metaflow", path: "metaflow-service.image.pullPolicy" },
    ]);
    const { problems } = resolveImageValues([loaded], tagsOf(loaded, "1.0.0"), await vendoredChartValues()());
    expect(problems).toEqual([
      {
        file: "apps/fleet/src/clusters/alpha.ts",
        path: "flux.images[0].automate.values[0].path",
        message: expect.stringMatching(/^"flytepropeler\.image" is not a value of flyte-core v1\.16\.8 \(.*\.tgz\): "flytepropeler": unknown field \(did you mean "flytepropeller"\?/),
      },
      {
        file: "apps/fleet/src/clusters/alpha.ts",
        path: "flux.images[1].automate.values[0].path",
        message: expect.stringMatching(/^"controller\.replicas" of argo-workflows 0\.47\.5 .* is 1, not an image: point at an image value, a map with repository and tag \(and registry\) or with name and tag, or a string/),
      },
      {
        // A string default is an image only when it reads as one (or its key is `image`): "IfNotPresent" is not.
        file: "apps/fleet/src/clusters/alpha.ts",
        path: "flux.images[2].automate.values[0].path",
        message: expect.stringMatching(/^"metaflow-service\.image\.pullPolicy" of metaflow 0\.1\.2 .* is "IfNotPresent", not an image: /),
      },
    ]);
  });
});
