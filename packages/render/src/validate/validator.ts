import { indexCustomResources } from "./custom-resources.js";
import { gvkKey, readGroupVersionKind, type GroupVersionKind } from "./group-version-kind.js";
import { DEFAULT_KUBERNETES_VERSION, describeUnsupportedVersion, schemaVersionOf } from "../kubernetes-versions/index.js";
import { findCoreDefinition, kubernetesUnit, loadKubernetesSchema } from "./kubernetes-schema.js";
import { byPath, toSchemaProblems } from "./problems.js";
import { isRecord } from "./records.js";
import { addCustomResourceUnits, coreKindUnit } from "./root-schemas.js";
import { SchemaUnits, type SchemaUnit } from "./schema-units.js";
import type { ObjectValidator, SchemaProblem, ValidatorOptions } from "./types.js";
import { describeUnknownKind } from "./unknown-kind.js";
import { checkValidationRules } from "./validation-rules.js";

interface Root {
  /** The unit that checks an object of the kind. */
  unit: string;
  /** A custom resource's openAPIV3Schema, whose CEL rules are evaluated after the schema checks. */
  openApiSchema?: unknown;
  /** Whether the kind is a custom resource (checked as its CRD says, nulls included). */
  customResource?: boolean;
}

/**
 * Like the API server, CEL rules are not evaluated when the object has values of the wrong type or
 * outside their enum: rules would fail on them with confusing runtime errors. The schema problems
 * are reported; the rules are checked once those are fixed.
 */
const BLOCKS_RULES = new Set(["type", "enum"]);

/**
 * Validates Kubernetes objects strictly: custom resources against the served version of a vendored
 * CRD, including its CEL rules (validation-rules.ts), everything else against the API schema of
 * the Kubernetes version the cluster runs (kubernetes-schema.ts). An unsupported version throws at
 * once; otherwise nothing is read or compiled up front: each apiVersion/kind is resolved on first
 * use, its schema compiled piecewise (SchemaUnits), and each CEL rule compiled when first evaluated.
 */
export function createValidator(options: ValidatorOptions): ObjectValidator {
  const requested = options.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
  const version = schemaVersionOf(requested);
  if (version === undefined) throw new Error(`kubernetesVersion: ${describeUnsupportedVersion(requested)}`);
  const kubernetes = () => loadKubernetesSchema(version);
  const customResources = indexCustomResources(options.crds);
  /** Units built so far (kind roots and CRD parts); Kubernetes definitions are built on demand. */
  const builtUnits = new Map<string, SchemaUnit>();
  /** gvkKey -> root, or the problem that there is no schema. */
  const roots = new Map<string, Root | SchemaProblem>();
  let units: SchemaUnits | undefined;

  const resolveRoot = (gvk: GroupVersionKind): Root | SchemaProblem => {
    const key = gvkKey(gvk);
    const customResource = customResources.served.get(key);
    if (customResource) {
      const { openApiSchema } = customResource;
      return { unit: addCustomResourceUnits(openApiSchema, key, builtUnits), openApiSchema, customResource: true };
    }
    const definition = findCoreDefinition(kubernetes(), gvk);
    if (definition) {
      const rootKey = `${key}#root`;
      builtUnits.set(rootKey, coreKindUnit(kubernetes(), definition));
      return { unit: rootKey };
    }
    return { path: "", message: describeUnknownKind(gvk, customResources, kubernetes()) };
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
      if (!("unit" in root)) return [root];
      units ??= new SchemaUnits((unitKey) => builtUnits.get(unitKey) ?? kubernetesUnit(kubernetes(), unitKey), options.precompiled);
      // JSON null is "unset" to the API server's decoder of built-in types (and to server-side apply).
      const checked = root.customResource === true ? object : withoutNullFields(object);
      const errors = units.validate(root.unit, checked);
      const problems = errors.length === 0 ? [] : toSchemaProblems(errors, checked);
      if (root.openApiSchema === undefined || errors.some((error) => BLOCKS_RULES.has(error.keyword))) return problems;
      const ruleProblems = checkValidationRules(root.openApiSchema, object);
      return ruleProblems.length === 0 ? problems : [...problems, ...ruleProblems].sort(byPath);
    },
  };
}

/** The object without the fields whose value is null, at any depth (list items stay: a null item is not unset). */
function withoutNullFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullFields);
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).flatMap(([key, field]) => (field === null ? [] : [[key, withoutNullFields(field)]])));
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
