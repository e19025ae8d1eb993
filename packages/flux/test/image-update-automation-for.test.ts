import { describe, expect, it } from "vitest";
import { DEFAULT_IMAGE_UPDATE_MESSAGE, GitRepositorySource, ImagePolicyFor, ImageUpdateAutomationFor } from "../src/index.js";
import { expectValidManifests, manifestProblems } from "./support/crd-schema.js";
import { synth } from "./support/synth.js";

describe("ImageUpdateAutomationFor", () => {
  it("emits a Setters automation on the GitRepository's branch that validates against the vendored CRD", () => {
    const manifests = synth((chart) => {
      const source = new GitRepositorySource(chart, { name: "flotilla", url: "ssh://git@github.com/contoso/ml-fleet.git", ref: { branch: "main" } });
      new ImageUpdateAutomationFor(chart, { name: "flotilla", id: "automation", sourceRef: source, branch: "main", path: "./apps/fleet/images/dev" });
    });
    const automation = manifests.find((manifest) => manifest.kind === "ImageUpdateAutomation")!;
    expect(automation.apiVersion).toBe("image.toolkit.fluxcd.io/v1");
    expect(automation.metadata).toMatchObject({ name: "flotilla", namespace: "flux-system" });
    expect(automation.spec).toMatchObject({
      interval: "10m",
      sourceRef: { kind: "GitRepository", name: "flotilla" },
      git: {
        checkout: { ref: { branch: "main" } },
        commit: { author: { name: "fluxcdbot", email: "fluxcdbot@users.noreply.github.com" } },
        push: { branch: "main" },
      },
      update: { strategy: "Setters", path: "./apps/fleet/images/dev" },
    });
    expect((automation.spec as { sourceRef: Record<string, unknown> }).sourceRef).not.toHaveProperty("namespace");
    expect(automation.spec).not.toHaveProperty("policySelector");
    expectValidManifests(manifests);
  });

  it("emits the default commit message, which lists the changes of Flux's .Changed (not the removed .Updated)", () => {
    const [automation] = synth((chart) => new ImageUpdateAutomationFor(chart, { name: "a", sourceRef: { name: "s" }, branch: "main", path: "./x" }));
    const message = (automation!.spec as { git: { commit: { messageTemplate: string } } }).git.commit.messageTemplate;
    expect(message).toBe(DEFAULT_IMAGE_UPDATE_MESSAGE);
    expect(message).toContain("{{ range .Changed.Changes -}}");
    expect(message).toContain("{{ .OldValue }} -> {{ .NewValue }}");
    expect(message).not.toContain(".Updated");
  });

  it("selects the ImagePolicies it applies by label (policySelector), and ImagePolicyFor labels its policy", () => {
    const labels = { "image.flotilla.dev/automated": "true" };
    const manifests = synth((chart) => {
      new ImagePolicyFor(chart, { name: "runner", image: "crmldev.azurecr.io/analytics/runner", policy: { semver: ">=1.0.0" }, labels });
      new ImageUpdateAutomationFor(chart, { name: "a", sourceRef: { name: "s" }, branch: "main", path: "./x", policySelector: { matchLabels: labels } });
    });
    const policy = manifests.find((manifest) => manifest.kind === "ImagePolicy")!;
    const repository = manifests.find((manifest) => manifest.kind === "ImageRepository")!;
    const automation = manifests.find((manifest) => manifest.kind === "ImageUpdateAutomation")!;
    expect(policy.metadata).toMatchObject({ labels });
    expect(repository.metadata).not.toHaveProperty("labels");
    expect(automation.spec).toMatchObject({ policySelector: { matchLabels: labels } });
    expectValidManifests(manifests);
  });

  it("pushes to another branch, names a source in another namespace and takes author, message and interval", () => {
    const [automation] = synth((chart) => {
      new ImageUpdateAutomationFor(chart, {
        name: "images",
        namespace: "apps",
        sourceRef: { name: "fleet", namespace: "flux-system" },
        branch: "main",
        pushBranch: "flux/image-updates",
        path: "./images",
        author: { name: "Image bot", email: "images@contoso.com" },
        messageTemplate: "chore: images",
        interval: "1h",
      });
    });
    expect(automation!.spec).toMatchObject({
      interval: "1h",
      sourceRef: { kind: "GitRepository", name: "fleet", namespace: "flux-system" },
      git: { checkout: { ref: { branch: "main" } }, push: { branch: "flux/image-updates" }, commit: { author: { name: "Image bot", email: "images@contoso.com" }, messageTemplate: "chore: images" } },
    });
    expect(manifestProblems(automation!)).toEqual([]);
  });

  it("rejects a path outside the repository, a bad branch, interval or email, with the field", () => {
    const make = (props: Partial<ConstructorParameters<typeof ImageUpdateAutomationFor>[1]>) => () =>
      synth((chart) => new ImageUpdateAutomationFor(chart, { name: "a", sourceRef: { name: "s" }, branch: "main", path: "./x", ...props }));
    expect(make({ path: "apps/fleet/images" })).toThrow(/path must be a directory of the repository starting with "\.\/"/);
    expect(make({ path: "./../other" })).toThrow(/no "\.\."/);
    expect(make({ branch: "my branch" })).toThrow(/branch must be a Git branch name/);
    expect(make({ pushBranch: "a..b" })).toThrow(/pushBranch must be a Git branch name/);
    expect(make({ interval: "10 minutes" })).toThrow(/interval must be a duration/);
    expect(make({ author: { email: "nobody" } })).toThrow(/author\.email must be an email address/);
  });
});
