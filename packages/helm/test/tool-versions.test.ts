import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rememberedVersion } from "../src/tool-versions.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "flotilla-tool-versions-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("rememberedVersion", () => {
  it("asks a binary its version once, until the binary is replaced", async () => {
    const helm = join(dir, "helm");
    writeFileSync(helm, '#!/bin/sh\necho "v4.1.4"\n', { mode: 0o755 });
    let asked = 0;
    const ask = async () => {
      asked += 1;
      return execFileSync(helm, { encoding: "utf8" }).trim();
    };
    const cacheDir = join(dir, "cache");
    expect(await rememberedVersion(helm, cacheDir, ask)).toBe("v4.1.4");
    expect(await rememberedVersion(helm, cacheDir, ask)).toBe("v4.1.4");
    expect(asked).toBe(1);
    writeFileSync(helm, '#!/bin/sh\necho "v4.2.0-rc.1"\n', { mode: 0o755 });
    expect(await rememberedVersion(helm, cacheDir, ask)).toBe("v4.2.0-rc.1");
    expect(asked).toBe(2);
    // Another cache directory has not seen it.
    expect(await rememberedVersion(helm, join(dir, "other"), ask)).toBe("v4.2.0-rc.1");
    expect(asked).toBe(3);
  });

  it("a corrupt cache file is a miss, a missing binary is asked (and fails as it would)", async () => {
    const cacheDir = join(dir, "cache");
    const helm = join(dir, "helm");
    writeFileSync(helm, "#!/bin/sh\necho v4.1.4\n", { mode: 0o755 });
    await rememberedVersion(helm, cacheDir, async () => "v4.1.4");
    writeFileSync(join(cacheDir, "tool-versions.json"), "{not json");
    expect(await rememberedVersion(helm, cacheDir, async () => "asked")).toBe("asked");
    await expect(rememberedVersion(join(dir, "none"), cacheDir, async () => Promise.reject(new Error("ENOENT")))).rejects.toThrow("ENOENT");
  });
});
