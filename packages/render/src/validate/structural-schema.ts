import { isCheckedFormat } from "./formats.js";
import { isRecord } from "./records.js";
import type { JsonSchema } from "./types.js";

/**
 * Converts a CRD's openAPIV3Schema (a Kubernetes structural schema) into a strict JSON schema for
 * ajv, the way the API server prunes and `kubeconform -strict` rejects unknown fields:
 *
 * - every object schema rejects fields it does not list (`additionalProperties: false`), unless it
 *   has `additionalProperties` or `x-kubernetes-preserve-unknown-fields: true`;
 * - `x-kubernetes-int-or-string` allows integer or string; `nullable` allows null;
 * - `x-kubernetes-embedded-resource` implies apiVersion, kind and an ObjectMeta `metadata`;
 * - `x-kubernetes-list-type: set` requires unique items;
 * - OpenAPI 3.0 boolean `exclusiveMinimum/exclusiveMaximum` become their draft-07 numeric form.
 *
 * Not checked here: `x-kubernetes-validations` (CEL rules; validation-rules.ts evaluates them on
 * the original schema), key uniqueness of `x-kubernetes-list-type: map` lists, and formats outside
 * formats.ts.
 */
export function toStrictJsonSchema(openApiSchema: unknown, objectMeta: JsonSchema): JsonSchema {
  return new StructuralSchemaConverter(objectMeta).convert(openApiSchema, "structural");
}

/**
 * Schemas under allOf/anyOf/oneOf/not only add value validations: they declare no fields, so they
 * must not reject unknown ones.
 */
type Mode = "structural" | "value-validation";

const COPIED_KEYWORDS = [
  "enum",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
  "required",
] as const;

class StructuralSchemaConverter {
  constructor(private readonly objectMeta: JsonSchema) {}

  convert(node: unknown, mode: Mode): JsonSchema {
    if (!isRecord(node)) return {};
    const result: JsonSchema = {};
    const nullable = node.nullable === true;
    const intOrString = node["x-kubernetes-int-or-string"] === true;

    const types = intOrString ? ["integer", "string"] : typeof node.type === "string" ? [node.type] : [];
    if (nullable && types.length > 0) types.push("null");
    if (types.length > 0) result.type = types.length === 1 ? types[0] : types;

    for (const keyword of COPIED_KEYWORDS) {
      if (node[keyword] !== undefined) result[keyword] = node[keyword];
    }
    if (nullable && Array.isArray(result.enum) && !result.enum.includes(null)) result.enum = [...result.enum, null];
    convertExclusiveBound(node, result, "minimum", "exclusiveMinimum");
    convertExclusiveBound(node, result, "maximum", "exclusiveMaximum");
    if (isCheckedFormat(node.format)) result.format = node.format;
    if (node["x-kubernetes-list-type"] === "set") result.uniqueItems = true;

    if (isRecord(node.properties)) {
      result.properties = Object.fromEntries(
        Object.entries(node.properties).map(([name, property]) => [name, this.convert(property, mode)]),
      );
    }
    if (typeof node.additionalProperties === "boolean") result.additionalProperties = node.additionalProperties;
    else if (isRecord(node.additionalProperties)) result.additionalProperties = this.convert(node.additionalProperties, mode);
    if (Array.isArray(node.items)) result.items = node.items.map((item) => this.convert(item, mode));
    else if (node.items !== undefined) result.items = this.convert(node.items, mode);

    for (const combinator of ["allOf", "anyOf", "oneOf"] as const) {
      const branches = node[combinator];
      if (!Array.isArray(branches)) continue;
      // int-or-string fields repeat their type as `anyOf: [{type: integer}, {type: string}]`.
      const meaningful = intOrString ? branches.filter((branch) => !isTypeOnly(branch)) : branches;
      if (meaningful.length > 0) result[combinator] = meaningful.map((branch) => this.convert(branch, "value-validation"));
    }
    if (node.not !== undefined) result.not = this.convert(node.not, "value-validation");

    if (node["x-kubernetes-embedded-resource"] === true) this.addEmbeddedResourceFields(result);
    const preservesUnknownFields = node["x-kubernetes-preserve-unknown-fields"] === true;
    const isObject = node.type === "object" || result.properties !== undefined;
    if (mode === "structural" && isObject && !preservesUnknownFields && result.additionalProperties === undefined) {
      result.additionalProperties = false;
    }
    return result;
  }

  private addEmbeddedResourceFields(result: JsonSchema): void {
    const properties = isRecord(result.properties) ? result.properties : {};
    const metadata = properties.metadata;
    const declaresMetadataFields = isRecord(metadata) && metadata.properties !== undefined;
    result.properties = {
      ...properties,
      apiVersion: properties.apiVersion ?? { type: "string" },
      kind: properties.kind ?? { type: "string" },
      metadata: declaresMetadataFields ? metadata : this.objectMeta,
    };
    const required = Array.isArray(result.required) ? result.required : [];
    result.required = [...new Set([...required, "apiVersion", "kind"])];
  }
}

function convertExclusiveBound(
  node: Record<string, unknown>,
  result: JsonSchema,
  bound: "minimum" | "maximum",
  exclusiveBound: "exclusiveMinimum" | "exclusiveMaximum",
): void {
  const exclusive = node[exclusiveBound];
  if (exclusive === true && typeof node[bound] === "number") {
    result[exclusiveBound] = node[bound];
    delete result[bound];
  } else if (typeof exclusive === "number") {
    result[exclusiveBound] = exclusive;
  }
}

function isTypeOnly(branch: unknown): boolean {
  return isRecord(branch) && Object.keys(branch).length === 1 && typeof branch.type === "string";
}
