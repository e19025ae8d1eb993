import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KUBERNETES_VERSIONS, type KubernetesVersion } from "../kubernetes-versions/index.js";
import { kubernetesSchemaFile } from "./kubernetes-schema.js";

/**
 * The files that decide what `createValidator` answers, besides the CRDs passed to it: its code
 * (this directory and the version list), the Kubernetes schemas of `versions` and the package
 * manifest that pins ajv and cel-js. A cache of validation results must be keyed on their content.
 * Read only when called.
 */
export function validatorFiles(versions: readonly KubernetesVersion[] = KUBERNETES_VERSIONS): string[] {
  const code = [".", "../kubernetes-versions"].flatMap((relative) => {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    return readdirSync(dir)
      .filter((name) => /\.[cm]?[jt]s$/.test(name) && !name.endsWith(".d.ts"))
      .sort()
      .map((name) => join(dir, name));
  });
  const schemas = [...new Set(versions)].sort().map((version) => fileURLToPath(kubernetesSchemaFile(version)));
  return [...code, ...schemas, fileURLToPath(new URL("../../package.json", import.meta.url))];
}
