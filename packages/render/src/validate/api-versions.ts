import { DEFAULT_KUBERNETES_VERSION, describeUnsupportedVersion, schemaVersionOf } from "../kubernetes-versions/index.js";
import { loadKubernetesSchema } from "./kubernetes-schema.js";

/**
 * What a cluster of `kubernetesVersion` serves of Kubernetes' own APIs, as Helm's
 * `.Capabilities.APIVersions` holds them from the API server's discovery: every `group/version`
 * and `group/version/Kind` of its built-in kinds (List kinds are not resources and are left out),
 * from the same schema the validator checks them against. Sorted; throws for an unsupported version.
 */
export function kubernetesApiVersions(kubernetesVersion: string = DEFAULT_KUBERNETES_VERSION): string[] {
  const version = schemaVersionOf(kubernetesVersion);
  if (version === undefined) throw new Error(`kubernetesVersion: ${describeUnsupportedVersion(kubernetesVersion)}`);
  const entries = new Set<string>();
  for (const [apiVersion, kinds] of Object.entries(loadKubernetesSchema(version).kinds)) {
    for (const kind of Object.keys(kinds)) {
      if (kind.endsWith("List")) continue;
      entries.add(apiVersion);
      entries.add(`${apiVersion}/${kind}`);
    }
  }
  return [...entries].sort();
}
