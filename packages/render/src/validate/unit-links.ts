import { isRecord } from "./records.js";
import type { LinkStep, SchemaUnit } from "./schema-units.js";
import type { JsonSchema } from "./types.js";

const UNIT_REFERENCE = "x-flotilla-unit";

/** A subschema that stands for another unit (see toSchemaUnit). */
export function unitReference(key: string): JsonSchema {
  return { [UNIT_REFERENCE]: key };
}

/**
 * Turns a schema into a unit: every subschema at a structural position (a property, array items,
 * map values) that is a `unitReference`, or for which `split` returns a unit key, is replaced by
 * `{}` and recorded as a link. Subschemas under allOf/anyOf/oneOf/not are never links: ajv must
 * see their whole content to decide which alternative matches.
 */
export function toSchemaUnit(schema: JsonSchema, split: (subschema: JsonSchema) => string | undefined = () => undefined): SchemaUnit {
  const links: SchemaUnit["links"] = [];
  const visit = (node: JsonSchema, steps: LinkStep[]): JsonSchema => {
    const child = (value: unknown, step: LinkStep): unknown => {
      if (!isRecord(value)) return value;
      const reference = value[UNIT_REFERENCE];
      const unit = typeof reference === "string" ? reference : split(value);
      if (unit === undefined) return visit(value, [...steps, step]);
      links.push({ steps: [...steps, step], unit });
      return {};
    };
    const result: JsonSchema = { ...node };
    if (isRecord(node.properties)) {
      result.properties = Object.fromEntries(
        Object.entries(node.properties).map(([name, value]) => [name, child(value, { property: name })]),
      );
    }
    if (isRecord(node.items)) result.items = child(node.items, "items");
    if (isRecord(node.additionalProperties)) result.additionalProperties = child(node.additionalProperties, "values");
    return result;
  };
  return { schema: visit(schema, []), links };
}
