import { createValidator } from "@flotilla/render/validate";
import { describe, expect, it } from "vitest";
import { expectValidManifests, fluxCrds, fluxValidator as v, manifestProblems } from "./support/crd-schema.js";

const metadata = { name: "repo", namespace: "flux-system" };

const git = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: "source.toolkit.fluxcd.io/v1",
  kind: "GitRepository",
  metadata,
  spec,
  ...extra,
});

const hr = (spec: Record<string, unknown>) => ({
  apiVersion: "helm.toolkit.fluxcd.io/v2",
  kind: "HelmRelease",
  metadata: { name: "x", namespace: "flux-system" },
  spec: { interval: "1m", ...spec },
});

const SERVED_KINDS = [
  "helm.toolkit.fluxcd.io/v2 HelmRelease",
  "image.toolkit.fluxcd.io/v1 ImagePolicy",
  "image.toolkit.fluxcd.io/v1 ImageRepository",
  "image.toolkit.fluxcd.io/v1 ImageUpdateAutomation",
  "kustomize.toolkit.fluxcd.io/v1 Kustomization",
  "notification.toolkit.fluxcd.io/v1beta3 Alert",
  "notification.toolkit.fluxcd.io/v1beta3 Provider",
  "notification.toolkit.fluxcd.io/v1 Receiver",
  "source.toolkit.fluxcd.io/v1 Bucket",
  "source.toolkit.fluxcd.io/v1 GitRepository",
  "source.toolkit.fluxcd.io/v1 HelmChart",
  "source.toolkit.fluxcd.io/v1 HelmRepository",
  "source.toolkit.fluxcd.io/v1 OCIRepository",
];

const NO_SCHEMA = /^no schema is known for /;

describe("the schema validator of the flux tests (createValidator over readFluxCrds())", () => {
  it("knows the served version of every vendored CRD (one each)", () => {
    const served = fluxCrds.flatMap((crd) => {
      const { spec } = crd as { spec: { group: string; names: { kind: string }; versions: { name: string; served: boolean }[] } };
      return spec.versions.filter((version) => version.served).map((version) => `${spec.group}/${version.name} ${spec.names.kind}`);
    });
    expect(served.sort()).toEqual([...SERVED_KINDS].sort());
    for (const kind of SERVED_KINDS) {
      const [apiVersion, name] = kind.split(" ");
      const problems = v.validate({ apiVersion, kind: name, metadata });
      expect(problems.filter((problem) => NO_SCHEMA.test(problem.message)), kind).toEqual([]);
    }
  });

  it("accepts a valid manifest", () => {
    expect(v.validate(git({ url: "https://example.com/r", interval: "1m", ref: { branch: "main" } }))).toEqual([]);
    expect(() => expectValidManifests([git({ url: "https://example.com/r", interval: "1m", ref: { branch: "main" } })])).not.toThrow();
  });

  it("rejects unknown fields at any depth", () => {
    expect(v.validate(git({ url: "https://example.com/r", interval: "1m", branch: "main" }))).toEqual([
      { path: ".spec.branch", message: expect.stringMatching(/^unknown field \(/) },
    ]);
    expect(v.validate(git({ url: "https://example.com/r", interval: "1m", ref: { brnach: "main" } }))).toEqual([
      { path: ".spec.ref.brnach", message: expect.stringMatching(/^unknown field \(did you mean "branch"\?/) },
    ]);
    expect(v.validate(git({ url: "https://example.com/r", interval: "1m" }, { bogus: {} }))).toEqual([
      { path: ".bogus", message: expect.stringMatching(/^unknown field/) },
    ]);
  });

  it("rejects manifests that set status or omit the namespace of a Flux object", () => {
    expect(manifestProblems(git({ url: "https://example.com/r", interval: "1m" }, { status: {} }))).toEqual([
      { path: ".status", message: "an emitted manifest must not set status" },
    ]);
    expect(manifestProblems({ ...git({ url: "https://example.com/r", interval: "1m" }), metadata: { name: "repo" } })).toEqual([
      { path: ".metadata.namespace", message: "a namespaced Flux object must set its namespace" },
    ]);
    expect(() => expectValidManifests([git({ url: "https://example.com/r", interval: "1m" }, { status: {} })])).toThrow(
      /GitRepository flux-system\/repo: \.status: an emitted manifest must not set status/,
    );
  });

  it("rejects enum, pattern and required violations", () => {
    const problems = v.validate(git({ url: "git@github.com:o/r.git", interval: "1d", provider: "gitlab" }));
    expect(problems).toEqual([
      { path: ".spec.interval", message: expect.stringMatching(/^must match the pattern .*; got string "1d"$/) },
      { path: ".spec.provider", message: 'must be one of "generic", "aws", "azure", "github"; got string "gitlab"' },
      { path: ".spec.url", message: expect.stringMatching(/^must match the pattern .*; got string "git@github.com:o\/r.git"$/) },
    ]);
    expect(v.validate(git({ url: "https://example.com/r" }))).toEqual([{ path: ".spec.interval", message: "required field is missing" }]);
    expect(v.validate({ ...git({ url: "https://example.com/r", interval: "1m" }), metadata: { namespace: "flux-system" } })).toEqual([
      { path: ".metadata.name", message: "required field is missing" },
    ]);
  });

  it("rejects apiVersions that are not served", () => {
    expect(v.validate({ ...git({ url: "https://e.com/r", interval: "1m" }), apiVersion: "source.toolkit.fluxcd.io/v1beta2" })).toEqual([
      {
        path: "",
        message:
          "no schema is known for source.toolkit.fluxcd.io/v1beta2 GitRepository: the vendored CRD gitrepositories.source.toolkit.fluxcd.io serves v1, not this version",
      },
    ]);
  });

  it("evaluates the CEL rules of the schema", () => {
    expect(v.validate(hr({}))).toEqual([{ path: ".spec", message: "either chart or chartRef must be set" }]);
    expect(v.validate(hr({ chartRef: { kind: "OCIRepository", name: "a" } }))).toEqual([]);
    expect(
      v.validate(hr({ chartRef: { kind: "OCIRepository", name: "a" }, chart: { spec: { chart: "a", sourceRef: { kind: "HelmRepository", name: "a" } } } })),
    ).toEqual([{ path: ".spec", message: "either chart or chartRef must be set" }]);
    expect(v.validate(git({ url: "https://e.com/r", interval: "1m", serviceAccountName: "sa" }))).toEqual([
      { path: ".spec", message: "serviceAccountName can only be set when provider is 'azure' or 'aws'" },
    ]);
    expect(v.validate(git({ url: "https://e.com/r", interval: "1m", serviceAccountName: "sa", provider: "azure" }))).toEqual([]);
    expect(() => expectValidManifests([hr({})])).toThrow(/HelmRelease flux-system\/x: \.spec: either chart or chartRef must be set/);
  });

  it("evaluates every CEL rule, including those the old hand-written table lacked (ImagePolicy)", () => {
    const policy = (spec: Record<string, unknown>) => ({
      apiVersion: "image.toolkit.fluxcd.io/v1",
      kind: "ImagePolicy",
      metadata,
      spec: { imageRepositoryRef: { name: "x" }, policy: { alphabetical: {} }, ...spec },
    });
    expect(v.validate(policy({}))).toEqual([]);
    expect(v.validate(policy({ digestReflectionPolicy: "Always", interval: "1h" }))).toEqual([]);
    expect(v.validate(policy({ interval: "1h" }))).toEqual([
      { path: ".spec", message: "spec.interval is only accepted when spec.digestReflectionPolicy is set to 'Always'" },
    ]);
    expect(v.validate(policy({ digestReflectionPolicy: "Always" }))).toEqual([
      { path: ".spec", message: "spec.interval must be set when spec.digestReflectionPolicy is set to 'Always'" },
    ]);
  });

  it("validates core kinds against the Kubernetes schema", () => {
    expect(v.validate({ apiVersion: "v1", kind: "ConfigMap", metadata, data: { a: "b" } })).toEqual([]);
    expect(v.validate({ apiVersion: "v1", kind: "ConfigMap", metadata, dta: { a: "b" } })).toEqual([
      { path: ".dta", message: expect.stringMatching(/^unknown field \(did you mean "data"\?/) },
    ]);
  });

  it("can be built for a subset of the CRDs", () => {
    const gitOnly = fluxCrds.filter((crd) => (crd as { metadata: { name: string } }).metadata.name === "gitrepositories.source.toolkit.fluxcd.io");
    const only = createValidator({ crds: gitOnly });
    expect(only.validate(git({ url: "https://example.com/r", interval: "1m" }))).toEqual([]);
    expect(only.validate(hr({ chartRef: { kind: "OCIRepository", name: "a" } }))).toEqual([
      { path: "", message: expect.stringMatching(/^no schema is known for helm\.toolkit\.fluxcd\.io\/v2 HelmRelease: it is not a Kubernetes 1\.34 core kind/) },
    ]);
  });
});
