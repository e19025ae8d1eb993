import { existsSync } from "node:fs";
import { isAbsolute, basename } from "node:path";
import { describe, expect, it, vi } from "vitest";

const readdirCalls = vi.hoisted(() => ({ count: 0 }));

vi.mock("node:fs", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs")>();
  const readdirSync = ((...args: Parameters<typeof actual.readdirSync>) => {
    readdirCalls.count++;
    return actual.readdirSync(...args);
  }) as typeof actual.readdirSync;
  return { ...actual, default: { ...actual, readdirSync }, readdirSync };
});

describe("fluxCrdFiles()", () => {
  it("does no I/O at import time and lists the vendored CRDs when called", async () => {
    const { fluxCrdFiles } = await import("../src/index.js");
    expect(readdirCalls.count).toBe(0);

    const files = fluxCrdFiles();
    expect(readdirCalls.count).toBe(1);
    expect(files.map((f) => basename(f))).toEqual([
      "alerts.notification.toolkit.fluxcd.io.yaml",
      "buckets.source.toolkit.fluxcd.io.yaml",
      "gitrepositories.source.toolkit.fluxcd.io.yaml",
      "helmcharts.source.toolkit.fluxcd.io.yaml",
      "helmreleases.helm.toolkit.fluxcd.io.yaml",
      "helmrepositories.source.toolkit.fluxcd.io.yaml",
      "imagepolicies.image.toolkit.fluxcd.io.yaml",
      "imagerepositories.image.toolkit.fluxcd.io.yaml",
      "imageupdateautomations.image.toolkit.fluxcd.io.yaml",
      "kustomizations.kustomize.toolkit.fluxcd.io.yaml",
      "ocirepositories.source.toolkit.fluxcd.io.yaml",
      "providers.notification.toolkit.fluxcd.io.yaml",
      "receivers.notification.toolkit.fluxcd.io.yaml",
    ]);
    for (const f of files) {
      expect(isAbsolute(f)).toBe(true);
      expect(f).toMatch(/[/\\]packages[/\\]flux[/\\]crds[/\\][^/\\]+\.yaml$/);
      expect(existsSync(f)).toBe(true);
    }
  });
});
