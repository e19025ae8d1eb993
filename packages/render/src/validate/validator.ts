import { indexCustomResources } from "./custom-resources.js";
import { gvkKey, readGroupVersionKind, type GroupVersionKind } from "./group-version-kind.js";
import { findCoreDefinition, kubernetesUnit, loadKubernetesSchema } from "./kubernetes-schema.js";
import { toSchemaProblems } from "./problems.js";
import { isRecord } from "./records.js";
import { addCustomResourceUnits, coreKindUnit } from "./root-schemas.js";
import { SchemaUnits, type SchemaUnit } from "./schema-units.js";
import type { ObjectValidator, SchemaProblem, ValidatorOptions } from "./types.js";
import { describeUnknownKind } from "./unknown-kind.js";

/**
 * Validates Kubernetes objects strictly: custom resources against the served version of a vendored
 * CRD, everything else against the Kubernetes 1.28 schema. Nothing is read or compiled up front:
 * each apiVersion/kind is resolved on first use, and its schema compiled piecewise (SchemaUnits).
 */
export function createValidator(options: ValidatorOptions): ObjectValidator {
  const customResources = indexCustomResources(options.crds);
  /** Units built so far (kind roots and CRD parts); Kubernetes definitions are built on demand. */
  const builtUnits = new Map<string, SchemaUnit>();
  /** gvkKey -> root unit key, or the problem that there is no schema. */
  const roots = new Map<string, string | SchemaProblem>();
  let units: SchemaUnits | undefined;

  const resolveRoot = (gvk: GroupVersionKind): string | SchemaProblem => {
    const key = gvkKey(gvk);
    const customResource = customResources.served.get(key);
    if (customResource) return addCustomResourceUnits(customResource.openApiSchema, key, builtUnits);
    const kubernetes = loadKubernetesSchema();
    const definition = findCoreDefinition(kubernetes, gvk);
    if (definition) {
      const rootKey = `${key}#root`;
      builtUnits.set(rootKey, coreKindUnit(kubernetes, definition));
      return rootKey;
    }
    return { path: "", message: describeUnknownKind(gvk, customResources, kubernetes) };
  };

  return {
    validate(object: unknown): SchemaProblem[] {
      const gvk = readGroupVersionKind(object);
      if (!gvk) return describeMissingGroupVersionKind(object);
      const key = gvkKey(gvk);
      let root = roots.get(key);
      if (root === undefined) {
        root = resolveRoot(gvk);
        roots.set(key, root);
      }
      if (typeof root !== "string") return [root];
      units ??= new SchemaUnits((unitKey) => builtUnits.get(unitKey) ?? kubernetesUnit(loadKubernetesSchema(), unitKey));
      const errors = units.validate(root, object);
      return errors.length === 0 ? [] : toSchemaProblems(errors, object);
    },
  };
}

function describeMissingGroupVersionKind(object: unknown): SchemaProblem[] {
  if (!isRecord(object)) return [{ path: "", message: "expected a Kubernetes object (a mapping with apiVersion and kind)" }];
  return (["apiVersion", "kind"] as const)
    .filter((field) => typeof object[field] !== "string" || object[field] === "")
    .map((field) => ({
      path: `.${field}`,
      message: object[field] === undefined ? "required field is missing" : "expected a non-empty string",
    }));
}
