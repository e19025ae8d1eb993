import { createHash } from "node:crypto";
import type { ObjectValidator } from "@flotilla/render";
import { cachedValidator, RenderCache } from "../render-cache.js";
import { createSchemaValidator } from "../schema-validator.js";
import { renderCacheFingerprint } from "../synth.js";

/**
 * The validators validate holds rendered releases to: one per Kubernetes version and set of
 * chart CRDs (a fleet's clusters mostly share both), answering from a cache of objects already
 * found valid under that scope (`file`, RenderCache: by content hash, in the cache directory):
 * an unchanged release is not validated again, and when every object of a cluster's releases is
 * known valid, no validator is loaded for it. `objects` are those the validator will be asked about.
 */
export async function releaseValidators(
  file: string | undefined,
  kubernetesVersions: ReadonlyMap<string, string>,
): Promise<{ validatorOf: (cluster: string, crds: readonly unknown[], objects: readonly unknown[]) => Promise<ObjectValidator>; save: () => Promise<void> }> {
  const cache = file === undefined ? undefined : await RenderCache.open(file, renderCacheFingerprint([...new Set(kubernetesVersions.values())]));
  const loaded = new Map<string, Promise<ObjectValidator>>();
  return {
    async validatorOf(cluster, crds, objects) {
      const version = kubernetesVersions.get(cluster);
      const scope = `${version ?? "default"} ${createHash("sha256").update(JSON.stringify(crds)).digest("base64url")}`;
      const load = () => {
        let validator = loaded.get(scope);
        if (validator === undefined) {
          validator = createSchemaValidator(version, crds);
          loaded.set(scope, validator);
        }
        return validator;
      };
      if (cache === undefined) return load();
      return cachedValidator(objects, cache, load, `release ${scope}`);
    },
    save: async () => cache?.save(),
  };
}
