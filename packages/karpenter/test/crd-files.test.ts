import { basename, isAbsolute } from "node:path";
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

describe("karpenterCrdFiles()", () => {
  it("does no I/O at import time and lists the vendored CRDs when called", async () => {
    const { karpenterCrdFiles } = await import("../src/index.js");
    expect(readdirCalls.count).toBe(0);
    const files = karpenterCrdFiles();
    expect(readdirCalls.count).toBe(1);
    expect(files.map((file) => basename(file))).toEqual(["aksnodeclasses.karpenter.azure.com.yaml", "nodeclaims.karpenter.sh.yaml", "nodepools.karpenter.sh.yaml"]);
    for (const file of files) expect(isAbsolute(file) && /[/\\]packages[/\\]karpenter[/\\]crds[/\\][^/\\]+\.yaml$/.test(file)).toBe(true);
  });
});
