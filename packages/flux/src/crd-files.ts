import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

/**
 * Absolute paths of the vendored Flux v2.9 CRD files (`crds/*.yaml` of this
 * package; one CRD per file), sorted by file name.
 *
 * The directory is resolved relative to this module (`src/` under vitest,
 * `dist/` when built: both one level below the package root) and only read
 * when the function is called.
 *
 * @see https://fluxcd.io/flux/components/
 */
export function fluxCrdFiles(): string[] {
  const dir = fileURLToPath(new URL("../crds/", import.meta.url));
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * The vendored Flux CRDs, parsed: `crds/crds.json`, which `scripts/import-crds.sh` derives from
 * the YAML files (JSON parses in milliseconds; the YAML takes hundreds).
 */
export async function readFluxCrds(): Promise<unknown[]> {
  return JSON.parse(await readFile(fluxCrdsJsonFile(), "utf8")) as unknown[];
}

/** Absolute path of `crds/crds.json`, the file readFluxCrds parses (e.g. to fingerprint the CRDs without parsing them). */
export function fluxCrdsJsonFile(): string {
  return fileURLToPath(new URL("../crds/crds.json", import.meta.url));
}
