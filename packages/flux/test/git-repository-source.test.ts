import { describe, expect, it } from "vitest";
import { Testing } from "cdk8s";
import { GitRepositorySource, type GitRepositorySourceProps } from "../src/index.js";
import { expectValidManifests } from "./support/crd-schema.js";
import { synth, synthOne } from "./support/synth.js";

const build = (props: Partial<GitRepositorySourceProps> = {}) =>
  synthOne((chart) => new GitRepositorySource(chart, { name: "flux-system", url: "https://github.com/acme/fleet", ...props }));

describe("GitRepositorySource", () => {
  it("emits a GitRepository with the documented defaults", () => {
    const m = build();
    expect(m).toEqual({
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "GitRepository",
      metadata: { name: "flux-system", namespace: "flux-system" },
      spec: { url: "https://github.com/acme/fleet", ref: { branch: "main" }, interval: "1m" },
    });
    expectValidManifests([m]);
  });

  it("applies every override", () => {
    const m = build({
      namespace: "apps",
      url: "ssh://git@github.com/acme/fleet",
      ref: { tag: "v1.2.3" },
      interval: "5m30s",
      secretRef: "fleet-deploy-key",
      ignore: "/*\n!/deploy\n",
      timeout: "90s",
      provider: "github",
    });
    expect(m.metadata).toEqual({ name: "flux-system", namespace: "apps" });
    expect(m.spec).toEqual({
      url: "ssh://git@github.com/acme/fleet",
      ref: { tag: "v1.2.3" },
      interval: "5m30s",
      secretRef: { name: "fleet-deploy-key" },
      ignore: "/*\n!/deploy\n",
      timeout: "90s",
      provider: "github",
    });
    expectValidManifests([m]);
  });

  it.each([
    [{ branch: "release" }],
    [{ semver: ">=1.0.0 <2.0.0" }],
    [{ commit: "0123456789abcdef0123456789abcdef01234567" }],
    [{ branch: "main", commit: "0123456789abcdef0123456789abcdef01234567" }],
    [{ name: "refs/pull/420/head" }],
  ])("accepts ref %j verbatim", (ref) => {
    const m = build({ ref, provider: "azure" });
    expect(m.spec.ref).toEqual(ref);
    expect(m.spec.provider).toBe("azure");
    expectValidManifests([m]);
  });

  it("exposes its identity and the L1 object; the construct id is the name", () => {
    const chart = Testing.chart();
    const repo = new GitRepositorySource(chart, { name: "infra", namespace: "ops", url: "https://dev.azure.com/acme/p/_git/infra" });
    expect(repo.node.id).toBe("infra");
    expect([repo.apiVersion, repo.kind, repo.name, repo.namespace]).toEqual(["source.toolkit.fluxcd.io/v1", "GitRepository", "infra", "ops"]);
    expect(repo.apiObject.name).toBe("infra");
    expect(repo.apiObject.metadata.namespace).toBe("ops");
  });

  it("rejects invalid input with clear messages", () => {
    expect(() => build({ url: "git@github.com:acme/fleet.git" })).toThrow(/url must start with http:\/\/, https:\/\/ or ssh:\/\/ .*ssh:\/\/git@host/);
    expect(() => build({ timeout: "1h" })).toThrow(/timeout must be a duration .*no hours/);
    expect(() => build({ interval: "1d" })).toThrow(/interval must be a duration/);
    expect(() => build({ ref: {} })).toThrow(/ref must set one of branch, tag, semver, name or commit/);
    expect(() => build({ ref: { branch: "main", tag: "v1" } })).toThrow(/at most one of branch, tag, semver and name.*branch, tag/);
    expect(() => build({ ref: { tag: "v1", commit: "abc" } })).toThrow(/commit can only be combined with ref.branch/);
    expect(() => build({ ref: { branch: "" } })).toThrow(/ref.branch must be a non-empty string/);
    expect(() => build({ provider: "aws" as never })).toThrow(/provider must be one of "generic", "azure", "github"; got "aws"/);
    expect(() => build({ name: "Flux_System" })).toThrow(/GitRepositorySource "Flux_System": name must be an RFC 1123 DNS subdomain/);
    expect(() => build({ namespace: "a.b" })).toThrow(/namespace must be an RFC 1123 DNS label/);
  });

  it("reports a construct-id clash and accepts an explicit id", () => {
    const chart = Testing.chart();
    new GitRepositorySource(chart, { name: "fleet", url: "https://github.com/acme/fleet" });
    expect(() => new GitRepositorySource(chart, { name: "fleet", namespace: "other", url: "https://github.com/acme/fleet" })).toThrow(
      /construct id "fleet" is already used .*pass a distinct `id`/,
    );
    const second = new GitRepositorySource(chart, { id: "fleet-other", name: "fleet", namespace: "other", url: "https://github.com/acme/fleet" });
    expect(second.node.id).toBe("fleet-other");
    const names = synth((c) => {
      new GitRepositorySource(c, { name: "fleet", url: "https://github.com/acme/fleet" });
      new GitRepositorySource(c, { id: "x", name: "fleet", namespace: "other", url: "https://github.com/acme/fleet" });
    }).map((m) => `${m.metadata.namespace}/${m.metadata.name}`);
    expect(names).toEqual(["flux-system/fleet", "other/fleet"]);
  });
});
