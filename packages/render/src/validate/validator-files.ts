import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KUBERNETES_SCHEMA_FILE } from "./kubernetes-schema.js";

/**
 * The files that decide what `createValidator` answers, besides the CRDs passed to it: its code
 * (this directory), the Kubernetes schema and the package manifest that pins ajv and cel-js. A
 * cache of validation results must be keyed on their content. Read only when called.
 */
export function validatorFiles(): string[] {
  const dir = fileURLToPath(new URL(".", import.meta.url));
  const code = readdirSync(dir)
    .filter((name) => /\.[cm]?[jt]s$/.test(name) && !name.endsWith(".d.ts"))
    .sort()
    .map((name) => join(dir, name));
  return [...code, fileURLToPath(KUBERNETES_SCHEMA_FILE), fileURLToPath(new URL("../../package.json", import.meta.url))];
}
