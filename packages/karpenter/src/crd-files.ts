import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Absolute paths of the vendored Karpenter CRD files (`crds/*.yaml` of this package: NodePool and
 * NodeClaim of `karpenter.sh`, AKSNodeClass of `karpenter.azure.com` at provider release v1.14.2),
 * sorted by file name. Read only when called.
 *
 * @see ../crds/SOURCES.md
 */
export function karpenterCrdFiles(): string[] {
  const dir = fileURLToPath(new URL("../crds/", import.meta.url));
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * The vendored Karpenter CRDs, parsed: `crds/crds.json`, which `scripts/import-crds.sh` derives
 * from the YAML files. Feed them to `createValidator` (with the Flux CRDs) to validate NodePools
 * and AKSNodeClasses, CEL rules included.
 */
export async function readKarpenterCrds(): Promise<unknown[]> {
  return JSON.parse(await readFile(karpenterCrdsJsonFile(), "utf8")) as unknown[];
}

/** Absolute path of `crds/crds.json`, the file readKarpenterCrds parses (e.g. to fingerprint the CRDs without parsing them). */
export function karpenterCrdsJsonFile(): string {
  return fileURLToPath(new URL("../crds/crds.json", import.meta.url));
}
