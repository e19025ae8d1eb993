import { definitionReference, definitionUnitKey, OBJECT_META, type KubernetesSchema } from "./kubernetes-schema.js";
import { isRecord } from "./records.js";
import type { SchemaUnit } from "./schema-units.js";
import { toStrictJsonSchema } from "./structural-schema.js";
import type { JsonSchema } from "./types.js";
import { toSchemaUnit } from "./unit-links.js";

const TOP_LEVEL_FIELDS: JsonSchema = { type: "object", required: ["apiVersion", "kind"] };
const NAMED_OBJECT: JsonSchema = {
  type: "object",
  required: ["apiVersion", "kind", "metadata"],
  properties: { metadata: { required: ["name"] } },
};
const PRESERVE_EVERYTHING = { type: "object", "x-kubernetes-preserve-unknown-fields": true };

/**
 * The units of a custom resource, added to `units` under keys starting with `keyPrefix`: the CRD
 * version's schema with `.metadata` checked as ObjectMeta, split at every nested object schema.
 * Returns the key of the root unit.
 */
export function addCustomResourceUnits(openApiSchema: unknown, keyPrefix: string, units: Map<string, SchemaUnit>): string {
  const objectMeta = definitionReference(OBJECT_META);
  const body = toStrictJsonSchema(openApiSchema ?? PRESERVE_EVERYTHING, objectMeta);
  // The CRD's own `metadata: {type: object}` says nothing; the API server checks ObjectMeta.
  body.properties = {
    apiVersion: { type: "string" },
    kind: { type: "string" },
    ...(isRecord(body.properties) ? body.properties : {}),
    metadata: objectMeta,
  };
  let count = 0;
  const split = (subschema: JsonSchema): string | undefined => {
    if (subschema.properties === undefined) return undefined;
    const key = `${keyPrefix}#${++count}`;
    units.set(key, toSchemaUnit(subschema, split));
    return key;
  };
  const bodyKey = `${keyPrefix}#body`;
  units.set(bodyKey, toSchemaUnit(body, split));
  const rootKey = `${keyPrefix}#root`;
  units.set(rootKey, { schema: NAMED_OBJECT, links: [{ steps: [], unit: bodyKey }] });
  return rootKey;
}

/** The root unit of a core kind: identity checks, linking to the kind's definition. List kinds have ListMeta and no name. */
export function coreKindUnit(schema: KubernetesSchema, definitionName: string): SchemaUnit {
  const properties = schema.definitions[definitionName]?.properties;
  const metadata = isRecord(properties) ? properties.metadata : undefined;
  const hasObjectMeta = isRecord(metadata) && metadata.$ref === `#/definitions/${OBJECT_META}`;
  return {
    schema: hasObjectMeta ? NAMED_OBJECT : TOP_LEVEL_FIELDS,
    links: [{ steps: [], unit: definitionUnitKey(definitionName) }],
  };
}
