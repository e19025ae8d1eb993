import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fluxCrdsJsonFile } from "@flotilla/flux";
import { karpenterCrdsJsonFile } from "@flotilla/karpenter";
import { validatorFiles, type ObjectValidator } from "@flotilla/render";
import { schemaVersionOf } from "@flotilla/render/kubernetes-versions";
import type { PrecompiledUnit } from "@flotilla/render/validate";
import { benchWithout, readVendoredCrdSet } from "./bench-switches.js";
import { repoRoot } from "./repo-paths.js";

/** Where `pnpm build` writes the schema units compiled ahead of time (scripts/precompile-validators.mjs). */
export const PRECOMPILED_DIR = join(repoRoot, "apps/fleet/dist/validators");
export const PRECOMPILED_INDEX = "index.json";

/** The vendored CRD sets of the tree (Flux, Karpenter) as JSON arrays: what the validator checks custom resources against. */
function vendoredCrdFiles(): string[] {
  return [fluxCrdsJsonFile(), karpenterCrdsJsonFile()];
}

/** The vendored CRDs, parsed. */
export async function readVendoredCrds(): Promise<unknown[]> {
  return [...readVendoredCrdSet("flux"), ...readVendoredCrdSet("karpenter")];
}

/**
 * The schema validator of a cluster that runs `kubernetesVersion` (the spec's), with the vendored
 * CRDs and `extraCrds` (those the cluster's charts install): synth checks what
 * it renders with it, validate checks the committed tree with it. Throws for a version whose
 * schema does not ship (the fleet spec refuses those first).
 */
export async function createSchemaValidator(kubernetesVersion?: string, extraCrds: readonly unknown[] = []): Promise<ObjectValidator> {
  // Loaded on demand: the CEL library and any compiling are most of the validator's cost, and a
  // synth whose objects are all known valid (the render cache) never needs them.
  const [{ createValidator }, vendored] = await Promise.all([import("@flotilla/render/validate"), readVendoredCrds()]);
  // A CRD a chart installs replaces the vendored one of the same kind: the cluster has the chart's.
  const crds = [...vendored, ...extraCrds];
  return createValidator({ crds, precompiled: precompiledUnits(), ...(kubernetesVersion === undefined ? {} : { kubernetesVersion }) });
}

/** One validator per Kubernetes version of the fleet, by cluster name (clusters of one version share it). */
export async function clusterSchemaValidators(
  versions: ReadonlyMap<string, string>,
  load: (kubernetesVersion: string) => Promise<ObjectValidator> = createSchemaValidator,
): Promise<(cluster: string) => ObjectValidator> {
  const byVersion = new Map<string, ObjectValidator>();
  for (const version of new Set(versions.values())) byVersion.set(version, await load(version));
  return (cluster) => {
    const validator = byVersion.get(versions.get(cluster) ?? "");
    if (!validator) throw new Error(`no schema validator for cluster ${cluster}: it is not in the fleet`);
    return validator;
  };
}

/** The units `pnpm build` compiled ahead of time, by digest; none when they were not built. */
function precompiledUnits(): (digest: string) => PrecompiledUnit | undefined {
  if (benchWithout("precompiled")) return () => undefined;
  let digests: Set<string> | undefined;
  const load = createRequire(join(PRECOMPILED_DIR, PRECOMPILED_INDEX));
  return (digest) => {
    digests ??= readPrecompiledIndex();
    return digests.has(digest) ? (load(`./${digest}.cjs`) as PrecompiledUnit) : undefined;
  };
}

function readPrecompiledIndex(): Set<string> {
  try {
    return new Set(JSON.parse(readFileSync(join(PRECOMPILED_DIR, PRECOMPILED_INDEX), "utf8")) as string[]);
  } catch {
    return new Set();
  }
}

/** The files that decide the validator's answers: its code, the schemas of `kubernetesVersions` (default all) and the vendored CRDs. */
export function schemaValidatorFiles(kubernetesVersions?: readonly string[]): string[] {
  const schemas = kubernetesVersions?.flatMap((version) => schemaVersionOf(version) ?? []);
  return [...validatorFiles(schemas), ...vendoredCrdFiles()];
}
