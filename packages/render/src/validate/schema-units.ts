import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import type { Ajv, ErrorObject, Options } from "ajv";
import { FORMATS } from "./formats.js";
import { kubernetesPatternEngine } from "./pattern-engine.js";
import { isRecord } from "./records.js";
import type { JsonSchema, PrecompiledUnit } from "./types.js";

/**
 * A piece of a schema, compiled on its own the first time some data reaches it. ajv compiles
 * everything a schema reaches through `$ref` at once (~180 ms for a Deployment, whose PodSpec
 * reaches ~150 definitions); split into units, only the parts that objects actually use get
 * compiled. At each link position the unit's schema holds `{}`; the linked unit checks the value.
 */
export interface SchemaUnit {
  schema: JsonSchema;
  links: UnitLink[];
}

export interface UnitLink {
  /** From the unit's data to the linked values; [] links the data itself. */
  steps: LinkStep[];
  unit: string;
}

/** A property, every item of an array, or every value of a map. */
export type LinkStep = { property: string } | "items" | "values";

/** How every unit is compiled, at run time and ahead of time (precompile.ts). */
export const UNIT_COMPILER_OPTIONS = {
  allErrors: true,
  // Less generated code, hence faster compiles: problems.ts writes the messages and finds the
  // offending value, and validateUnit() adds each error's parentSchema.
  messages: false,
  verbose: false,
  code: { optimize: false, regExp: kubernetesPatternEngine },
  strict: false,
  validateSchema: false,
  meta: false,
  addUsedSchema: false,
  logger: false,
  formats: FORMATS,
} satisfies Options;

/**
 * Names a unit's compiled code: the digest of its schema and of the compiler options, so code
 * compiled ahead of time is only ever used for the exact schema it was compiled from.
 */
export function unitDigest(schema: JsonSchema): string {
  return createHash("sha256")
    .update(JSON.stringify({ ...UNIT_COMPILER_OPTIONS, formats: Object.keys(FORMATS) }))
    .update("\0")
    .update(JSON.stringify(schema))
    .digest("base64url");
}

export class SchemaUnits {
  private ajv: Ajv | undefined;
  private readonly compiled = new Map<string, { unit: SchemaUnit; validate: PrecompiledUnit }>();

  constructor(
    private readonly resolve: (key: string) => SchemaUnit | undefined,
    private readonly precompiled: (digest: string) => PrecompiledUnit | undefined = () => undefined,
  ) {}

  /** Validates data against a unit and the units it links to; returns every error. */
  validate(key: string, data: unknown): ErrorObject[] {
    const errors: ErrorObject[] = [];
    this.validateUnit(key, data, "", errors);
    return errors;
  }

  private validateUnit(key: string, data: unknown, instancePath: string, errors: ErrorObject[]): void {
    const { unit, validate } = this.compile(key);
    if (!validate(data)) {
      for (const error of (validate.errors ?? []) as ErrorObject[]) {
        errors.push({
          ...error,
          instancePath: instancePath + error.instancePath,
          // Prefixing schemaPath with the unit keeps anyOf/oneOf grouping (problems.ts) unit-local.
          schemaPath: key + error.schemaPath,
          parentSchema: schemaAt(unit.schema, error.schemaPath.split("/").slice(1, -1)),
        });
      }
    }
    for (const link of unit.links) {
      forEachLinkedValue(data, link.steps, 0, instancePath, (value, path) => this.validateUnit(link.unit, value, path, errors));
    }
  }

  private compile(key: string): { unit: SchemaUnit; validate: PrecompiledUnit } {
    let compiled = this.compiled.get(key);
    if (!compiled) {
      const unit = this.resolve(key);
      if (!unit) throw new Error(`validate: no schema unit ${key}`);
      compiled = { unit, validate: this.precompiled(unitDigest(unit.schema)) ?? this.compiler().compile(unit.schema) };
      this.compiled.set(key, compiled);
    }
    return compiled;
  }

  /** Loaded on first use: with every unit compiled ahead of time, ajv is never loaded. */
  private compiler(): Ajv {
    if (!this.ajv) {
      const ajv = createRequire(import.meta.url)("ajv") as typeof import("ajv");
      this.ajv = new ajv.Ajv(UNIT_COMPILER_OPTIONS);
    }
    return this.ajv;
  }
}

/** Visits the values (and their JSON pointers) that a link reaches; none where the data has another shape. */
function forEachLinkedValue(
  data: unknown,
  steps: readonly LinkStep[],
  stepIndex: number,
  pointer: string,
  visit: (value: unknown, pointer: string) => void,
): void {
  const step = steps[stepIndex];
  if (step === undefined) {
    visit(data, pointer);
  } else if (step === "items") {
    if (!Array.isArray(data)) return;
    data.forEach((item, index) => forEachLinkedValue(item, steps, stepIndex + 1, `${pointer}/${index}`, visit));
  } else if (isRecord(data)) {
    for (const name of step === "values" ? Object.keys(data) : [step.property]) {
      const value = Object.hasOwn(data, name) ? data[name] : undefined;
      if (value !== undefined) forEachLinkedValue(value, steps, stepIndex + 1, `${pointer}/${escapePointer(name)}`, visit);
    }
  }
}

function escapePointer(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Follows the segments of an ajv schemaPath ("#/properties/spec/items"). */
function schemaAt(schema: JsonSchema, escapedSegments: readonly string[]): JsonSchema | undefined {
  let current: unknown = schema;
  for (const escaped of escapedSegments) {
    const segment = decodeURIComponent(escaped).replaceAll("~1", "/").replaceAll("~0", "~");
    if (Array.isArray(current)) current = current[Number(segment)];
    else if (isRecord(current) && Object.hasOwn(current, segment)) current = current[segment];
    else return undefined;
  }
  return isRecord(current) ? current : undefined;
}
