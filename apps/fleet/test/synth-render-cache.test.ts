import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hasChanges, type ObjectValidator } from "@flotilla/render";
import { exampleFleet } from "../src/example-fleet.js";
import { fleetLocations } from "../src/fleet-options.js";
import { repoRoot } from "../src/repo-paths.js";
import { createSchemaValidator } from "../src/schema-validator.js";
import { synth, type SynthOptions } from "../src/synth.js";

// The example fleet as `pnpm synth --check` sees it (apps/fleet/src/clusters, read as they are).
let work: string;
let cacheFile: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "flotilla-synth-render-cache-"));
  cacheFile = join(work, "rendered-objects.json");
});
afterEach(async () => rm(work, { recursive: true, force: true }));

/** The real validator, counting how often synth loads it and which kinds it is asked about. */
function countingLoader(refuse?: (object: { kind: string }) => boolean) {
  const counts = { loads: 0, validated: 0, secrets: 0, versions: [] as string[] };
  const refused = new Set<string>();
  const load = async (kubernetesVersion: string): Promise<ObjectValidator> => {
    counts.loads++;
    counts.versions.push(kubernetesVersion);
    const real = await createSchemaValidator(kubernetesVersion);
    return {
      validate(object) {
        counts.validated++;
        if ((object as { kind: string }).kind === "Secret") counts.secrets++;
        if (refuse?.(object as { kind: string })) {
          refused.add(JSON.stringify(object));
          return [{ path: ".kind", message: "refused by the test" }];
        }
        return real.validate(object);
      },
    };
  };
  return { counts, load, refused };
}

function options(loadValidator: (kubernetesVersion: string) => Promise<ObjectValidator>): SynthOptions {
  return {
    ...fleetLocations({}),
    // the compiled cluster modules (fleetLocations' default is relative to the running code: src/ here)
    fleet: exampleFleet(repoRoot),
    outDir: join(repoRoot, "clusters"),
    check: true,
    renderCache: cacheFile,
    loadValidator,
  };
}

describe("synth with the render cache", () => {
  it("validates every object the first time and loads no validator when nothing changed", async () => {
    const cold = countingLoader();
    const first = await synth(options(cold.load));
    expect(first.kind).toBe("checked");
    expect(first.kind === "checked" && hasChanges(first.changes)).toBe(false);
    expect(cold.counts.loads).toBe(1);
    // Both example clusters run the default Kubernetes version: one validator checks them.
    expect(cold.counts.versions).toEqual(["1.34"]);
    const cached = JSON.parse(await readFile(cacheFile, "utf8")) as { valid: string[]; yaml: Record<string, string> };
    expect(cold.counts.validated).toBeGreaterThan(40);
    expect(cached.valid).toHaveLength(cold.counts.validated);
    // Encrypted Secrets are validated (in their decrypted shape) but placed byte for byte, never serialized.
    expect(cold.counts.secrets).toBeGreaterThan(0);
    expect(Object.keys(cached.yaml)).toHaveLength(cold.counts.validated - cold.counts.secrets);

    const warm = countingLoader();
    const second = await synth(options(warm.load));
    expect(second).toEqual(first);
    expect(warm.counts).toEqual({ loads: 0, validated: 0, secrets: 0, versions: [] });
  });

  it("never caches an object that failed, so it is validated (and reported) again", async () => {
    const refusing = countingLoader((object) => object.kind === "Namespace");
    const failed = await synth(options(refusing.load));
    expect(failed.kind).toBe("invalid");
    expect(failed.kind === "invalid" && failed.problems.length > 0 && failed.problems.every((problem) => problem.message.endsWith(": refused by the test"))).toBe(true);

    const again = countingLoader();
    expect((await synth(options(again.load))).kind).toBe("checked");
    expect(again.counts.loads).toBe(1);
    // Exactly the refused objects again: identical objects of two clusters (the same Namespace) are one entry.
    expect(refusing.refused.size).toBeGreaterThan(0);
    expect(again.counts.validated).toBe(refusing.refused.size);
  });

  it("starts over when the validator's fingerprint (its code, schemas or CRDs) changed", async () => {
    await synth(options(countingLoader().load));
    const content = JSON.parse(await readFile(cacheFile, "utf8")) as { fingerprint: string; valid: string[] };
    await writeFile(cacheFile, JSON.stringify({ ...content, fingerprint: "a validator from before an upgrade" }));

    const after = countingLoader();
    await synth(options(after.load));
    expect(after.counts.loads).toBe(1);
    expect(after.counts.validated).toBe(content.valid.length);
  });
});
