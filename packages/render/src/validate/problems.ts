import type { ErrorObject } from "ajv";
import { describeUnknownField } from "./field-suggestions.js";
import { pointerSegments, toJsonPath, valueAt } from "./json-path.js";
import { isRecord } from "./records.js";
import type { SchemaProblem } from "./types.js";

const COMBINATORS = new Set(["anyOf", "oneOf"]);

/**
 * Turns ajv errors (compiled with `allErrors`, with parentSchema set by SchemaUnits) into one
 * readable problem per distinct error, sorted by path. Errors from the alternatives of a failed
 * anyOf/oneOf are folded into a single problem.
 */
export function toSchemaProblems(errors: readonly ErrorObject[], root: unknown): SchemaProblem[] {
  const combinatorPaths = errors.filter((error) => COMBINATORS.has(error.keyword)).map((error) => `${error.schemaPath}/`);
  const isInsideCombinator = (error: ErrorObject) => combinatorPaths.some((prefix) => error.schemaPath.startsWith(prefix));
  // Once a value has the wrong type, its enum, pattern or format errors are noise.
  const wronglyTyped = new Set(errors.filter((error) => error.keyword === "type").map((error) => error.instancePath));
  const isNoise = (error: ErrorObject) => error.keyword !== "type" && wronglyTyped.has(error.instancePath);

  const problems = new Map<string, SchemaProblem>();
  const add = (problem: SchemaProblem) => problems.set(`${problem.path}\n${problem.message}`, problem);
  for (const error of errors) {
    if (isInsideCombinator(error) || isNoise(error)) continue;
    if (COMBINATORS.has(error.keyword)) {
      const branchErrors = errors.filter((candidate) => candidate.schemaPath.startsWith(`${error.schemaPath}/`));
      add(describeCombinator(error, branchErrors, root));
    } else {
      add(describeError(error, root));
    }
  }
  return [...problems.values()].sort(byPath);
}

/** Orders problems by path (a stable sort keeps the order of problems at the same path). */
export function byPath(a: SchemaProblem, b: SchemaProblem): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function describeError(error: ErrorObject, root: unknown): SchemaProblem {
  const segments = pointerSegments(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const at = (path: string[], message: string): SchemaProblem => ({ path: toJsonPath(path, root), message });
  const value = valueAt(root, segments);
  const got = `got ${describeValue(value)}`;
  switch (error.keyword) {
    case "required":
      return at([...segments, String(params.missingProperty)], "required field is missing");
    case "additionalProperties": {
      const properties = isRecord(error.parentSchema) ? error.parentSchema.properties : undefined;
      const field = String(params.additionalProperty);
      return at([...segments, field], describeUnknownField(field, isRecord(properties) ? Object.keys(properties) : []));
    }
    case "type": {
      const types = Array.isArray(params.type) ? params.type : String(params.type).split(",");
      return at(segments, `expected ${types.join(" or ")}, ${got}`);
    }
    case "enum": {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues : [];
      return at(segments, `must be one of ${allowed.map((value) => JSON.stringify(value)).join(", ")}; ${got}`);
    }
    case "pattern":
      return at(segments, `must match the pattern ${String(params.pattern)}; ${got}`);
    case "format":
      return at(segments, `must be a valid ${String(params.format)}; ${got}`);
    case "minLength":
    case "maxLength":
      return at(segments, `must be at ${error.keyword === "minLength" ? "least" : "most"} ${String(params.limit)} characters long; ${got}`);
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return at(segments, `must be ${String(params.comparison)} ${String(params.limit)}; ${got}`);
    case "minItems":
    case "maxItems":
      return at(segments, `must have at ${error.keyword === "minItems" ? "least" : "most"} ${String(params.limit)} items; got ${countOf(value)}`);
    case "minProperties":
    case "maxProperties":
      return at(segments, `must have at ${error.keyword === "minProperties" ? "least" : "most"} ${String(params.limit)} entries; got ${countOf(value)}`);
    case "uniqueItems": {
      const [first, second] = [Number(params.i), Number(params.j)].sort((a, b) => a - b);
      return at(segments, `must not contain duplicates (items ${first} and ${second} are equal)`);
    }
    default:
      return at(segments, `fails the "${error.keyword}" rule`);
  }
}

function describeCombinator(error: ErrorObject, branchErrors: readonly ErrorObject[], root: unknown): SchemaProblem {
  const path = toJsonPath(pointerSegments(error.instancePath), root);
  const params = error.params as Record<string, unknown>;
  if (Array.isArray(params.passingSchemas)) {
    return { path, message: "must match exactly one of the allowed alternatives, but matches several" };
  }
  const alternatives = new Map<string, string[]>();
  for (const branchError of branchErrors) {
    const branch = branchError.schemaPath.slice(error.schemaPath.length + 1).split("/")[0] ?? "";
    const problem = describeError(branchError, root);
    const relativePath = problem.path.startsWith(path) ? problem.path.slice(path.length) : problem.path;
    const text = relativePath === "" ? problem.message : `${relativePath}: ${problem.message}`;
    alternatives.set(branch, [...(alternatives.get(branch) ?? []), text]);
  }
  const described = [...new Set([...alternatives.values()].map((texts) => [...new Set(texts)].join(", ")))];
  return { path, message: `must match one of the allowed alternatives (${described.join(" | ")})` };
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return `string ${JSON.stringify(shown)}`;
  }
  return `${typeof value} ${String(value)}`;
}

function countOf(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  return isRecord(value) ? Object.keys(value).length : 0;
}
