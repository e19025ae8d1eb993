import { describe, expect, it } from "vitest";
import { automatedImages, clusterSpecSchemaFor, type FleetProblem, imagePolicyMarker, imageRepositoryOf } from "@flotilla/fleet";
import { PLATFORMS } from "@flotilla/platforms";
import { problemsOf as problemsWith, specWith } from "../packages/fleet/test/fixtures.js";

const problemsOf = (exported: unknown): FleetProblem[] => problemsWith(exported, undefined, PLATFORMS);

const flyte = { storage: { account: "stmldevflyte", container: "flyte" }, database: { host: "psql-ml-dev.postgres.database.azure.com" } };

/** A spec with a registry, Flyte and `images`. */
function withImages(images: unknown[], platforms: Record<string, unknown> = { flyte }) {
  return specWith((spec) => {
    spec.flux = { registry: { name: "crmldev" }, images };
    spec.platforms = platforms;
    spec.sops = { azureKeyVault: { vault: "kv-ml-dev", key: "sops" } };
  });
}

const automated = (values: unknown) => ({ name: "propeller", repository: "mirror/flytepropeller", semver: ">=1.16.0 <1.17.0", automate: { values } });

describe("flux.images[].automate", () => {
  it("accepts values of enabled platforms; automatedImages lists only the automated images", () => {
    const input = withImages([automated([{ platform: "flyte", path: "flytepropeller.image" }]), { name: "runner", repository: "analytics/runner", semver: ">=1.0.0" }]);
    expect(problemsOf(input)).toEqual([]);
    const spec = clusterSpecSchemaFor(PLATFORMS).parse(input);
    expect(automatedImages(spec).map((image) => image.name)).toEqual(["propeller"]);
    expect(imageRepositoryOf(spec, spec.flux.images[0]!)).toBe("crmldev.azurecr.io/mirror/flytepropeller");
    expect(imagePolicyMarker("propeller")).toBe('{"$imagepolicy": "flux-system:propeller"}');
  });

  it("names the field of a platform the cluster does not enable", () => {
    expect(problemsOf(withImages([automated([{ platform: "metaflow", path: "metaflow-service.image" }])]))).toEqual([
      expect.objectContaining({ path: "flux.images[0].automate.values[0].platform", message: expect.stringMatching(/platforms\.metaflow is not enabled on this cluster; enable it or remove this value/) }),
    ]);
  });

  it("rejects an unknown platform, a malformed path, an empty list and unknown keys", () => {
    const problems = problemsOf(
      withImages([
        automated([{ platform: "airflow", path: "image" }]),
        { ...automated([{ platform: "flyte", path: "flytepropeller..image" }]), name: "b" },
        { ...automated([]), name: "c" },
        { ...automated([{ platform: "flyte", path: "a", chart: "x" }]), name: "d" },
      ]),
    );
    const byPath = Object.fromEntries(problems.map((problem) => [problem.path, problem.message]));
    expect(byPath["flux.images[0].automate.values[0].platform"]).toMatch(/expected "flyte" or "argoWorkflows" or "metaflow", got "airflow"/);
    expect(byPath["flux.images[1].automate.values[0].path"]).toMatch(/must be a dotted values path such as "metaflow-service.image"/);
    expect(byPath["flux.images[2].automate.values"]).toMatch(/list at least one \{ platform, path \}/);
    expect(Object.keys(byPath)).toContain("flux.images[3].automate.values[0].chart");
  });

  it("rejects automation when the fleet's git source has no credentials Flux could push with (git.secretRef: null)", () => {
    const input = { ...(withImages([automated([{ platform: "flyte", path: "flytepropeller.image" }])]) as object), git: { url: "https://github.com/contoso/fleet", secretRef: null } };
    expect(problemsOf(input)).toEqual([
      expect.objectContaining({
        path: "flux.images[0].automate",
        message: expect.stringMatching(/pushes the new tag with the fleet GitRepository's credentials, but git\.secretRef is null .*: set git\.secretRef to a Secret in flux-system with username and password/),
      }),
    ]);
    // Without automate Flux only scans: no credentials needed. The default Secret (flux-system) can push.
    expect(problemsOf({ ...input, flux: { registry: { name: "crmldev" }, images: [{ name: "runner", repository: "analytics/runner", semver: ">=1.0.0" }] } })).toEqual([]);
    expect(problemsOf({ ...input, git: { url: "https://github.com/contoso/fleet" } })).toEqual([]);
  });

  it("an ssh git source always has a Secret (the git schema requires one), so it never lacks push credentials", () => {
    const input = { ...(withImages([automated([{ platform: "flyte", path: "flytepropeller.image" }])]) as object), git: { url: "ssh://git@github.com/contoso/fleet.git", secretRef: null } };
    expect(problemsOf(input)).toEqual([expect.objectContaining({ path: "git.secretRef", message: expect.stringMatching(/an ssh:\/\/ URL needs an SSH key/) })]);
    expect(problemsOf({ ...input, git: { url: "ssh://git@github.com/contoso/fleet.git" } })).toEqual([]);
  });

  it("rejects two images setting the same value, naming the first", () => {
    const problems = problemsOf(
      withImages([automated([{ platform: "flyte", path: "flytepropeller.image" }]), { ...automated([{ platform: "flyte", path: "flytepropeller.image" }]), name: "other" }]),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        path: "flux.images[1].automate.values[0].path",
        message: expect.stringMatching(/flyte value "flytepropeller\.image" is already set by flux\.images\[0\]\.automate\.values\[0\]; each value takes one image/),
      }),
    ]);
  });
});
