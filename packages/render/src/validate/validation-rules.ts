import { compileRule, summarize, toDuration } from "./cel-environment.js";
import { jsonPathKey } from "./json-path.js";
import { isRecord } from "./records.js";
import type { SchemaProblem } from "./types.js";

/** One entry of `x-kubernetes-validations`. `messageExpression` and `reason` are not used. */
interface ValidationRule {
  rule: string;
  message: string | undefined;
  fieldPath: string | undefined;
  optionalOldSelf: boolean;
}

interface NodeFacts {
  rules: readonly ValidationRule[];
  /** Some node below this one (a property, the items, the map values, at any depth) has rules. */
  rulesBelow: boolean;
  properties: ReadonlyMap<string, SchemaNode>;
  /** The properties with rules at or below them: all that must be walked when no rule sees this node's value. */
  ruledProperties: readonly (readonly [string, SchemaNode])[];
  /** The properties with a `default`, filled in when absent. */
  defaultedProperties: readonly (readonly [string, SchemaNode])[];
  items: SchemaNode | undefined;
  /** The schema of map values (`additionalProperties`). */
  values: SchemaNode | undefined;
  keepsUnknownFields: boolean;
  embeddedResource: boolean;
}

type SchemaNode = Record<string, unknown>;

/** Per schema node, computed on first use: a CRD's schema is only walked once an object of its kind is validated. */
const factsByNode = new WeakMap<SchemaNode, NodeFacts>();

/** A path in the object, rendered only when a problem is reported. */
interface PathStep {
  parent: PathStep | undefined;
  step: string | number;
}

/**
 * Evaluates the CEL rules (`x-kubernetes-validations`) of a CRD version's openAPIV3Schema the way
 * the API server does when an object is created:
 *
 * - a node's rules are evaluated with `self` bound to the value at that node, only when the value
 *   is present and not null; `has(self.field)` tests presence;
 * - `self` is the value as the API server sees it after pruning and defaulting: only declared
 *   fields of an object (all fields under `x-kubernetes-preserve-unknown-fields`), absent fields
 *   filled from their schema's `default`, integers as CEL int and `type: number` as double, strings
 *   of format byte/date/date-time/duration as bytes/timestamp/duration; at the root and in embedded
 *   resources `metadata` only has `name` and `generateName`;
 * - a failed rule is reported at the node's path (plus the rule's `fieldPath`) with the rule's
 *   `message`, else "failed rule: <rule>" (`messageExpression` is not evaluated);
 * - transition rules (rules referring to `oldSelf`) compare an update with the object stored in the
 *   cluster. A rendered manifest has no stored counterpart, like a create, where the API server
 *   skips them: they are skipped, except `optionalOldSelf` rules, which the API server evaluates on
 *   create with `oldSelf` an empty optional, and so are they here;
 * - a rule the CEL library cannot compile, or that fails at runtime or returns no bool, is
 *   reported as a problem naming the rule (the API server reports runtime errors too).
 *
 * Rules under allOf/anyOf/oneOf/not are not evaluated (structural schemas keep them out of there).
 */
export function checkValidationRules(openApiSchema: unknown, object: unknown): SchemaProblem[] {
  if (!isRecord(openApiSchema) || object === undefined || object === null) return [];
  const facts = factsOf(openApiSchema);
  if (facts.rules.length === 0 && !facts.rulesBelow) return [];
  const walker = new RuleWalker();
  walker.visit(openApiSchema, object, undefined, undefined, false, true);
  return walker.problems;
}

function factsOf(node: SchemaNode): NodeFacts {
  let facts = factsByNode.get(node);
  if (!facts) {
    facts = computeFacts(node);
    factsByNode.set(node, facts);
  }
  return facts;
}

function computeFacts(node: SchemaNode): NodeFacts {
  const properties = new Map(isRecord(node.properties) ? Object.entries(node.properties).filter(isSchemaEntry) : []);
  const items = isRecord(node.items) ? node.items : undefined;
  const values = isRecord(node.additionalProperties) ? node.additionalProperties : undefined;
  const hasRules = (child: SchemaNode | undefined) => {
    const childFacts = child && factsOf(child);
    return childFacts !== undefined && (childFacts.rules.length > 0 || childFacts.rulesBelow);
  };
  const ruledProperties = [...properties].filter(([, property]) => hasRules(property));
  return {
    rules: readRules(node["x-kubernetes-validations"]),
    rulesBelow: ruledProperties.length > 0 || hasRules(items) || hasRules(values),
    properties,
    ruledProperties,
    defaultedProperties: [...properties].filter(([, property]) => property.default !== undefined),
    items,
    values,
    keepsUnknownFields: node.additionalProperties === true || node["x-kubernetes-preserve-unknown-fields"] === true,
    embeddedResource: node["x-kubernetes-embedded-resource"] === true,
  };
}

function isSchemaEntry(entry: [string, unknown]): entry is [string, SchemaNode] {
  return isRecord(entry[1]);
}

function readRules(validations: unknown): ValidationRule[] {
  if (!Array.isArray(validations)) return [];
  // The API server rejects CRDs whose rules lack a `rule` string; there is nothing to evaluate then.
  return validations.filter(isRecord).flatMap((validation) =>
    typeof validation.rule !== "string"
      ? []
      : [
          {
            rule: validation.rule,
            message: typeof validation.message === "string" && validation.message.trim() !== "" ? validation.message.trim() : undefined,
            fieldPath: typeof validation.fieldPath === "string" && validation.fieldPath !== "" ? validation.fieldPath : undefined,
            optionalOldSelf: validation.optionalOldSelf === true,
          },
        ],
  );
}

class RuleWalker {
  readonly problems: SchemaProblem[] = [];

  /**
   * Evaluates the rules at and below `node` for a present, non-null value. When `wanted` (an
   * enclosing node has rules), returns the value as CEL sees it; else only walks down to the nodes
   * with rules: subtrees that no rule can see are neither converted nor walked.
   */
  visit(node: SchemaNode, value: unknown, parent: PathStep | undefined, step: string | number | undefined, wanted: boolean, root = false): unknown {
    const facts = factsOf(node);
    const evaluates = facts.rules.length > 0;
    // Paths are only needed where rules are: not allocated in the (many) nodes below the last rule.
    const path = step !== undefined && (evaluates || facts.rulesBelow) ? { parent, step } : parent;
    if (!wanted && !evaluates) {
      if (facts.rulesBelow) this.walk(facts, value, path);
      return undefined;
    }
    const self = this.convert(facts, node, value, path, root || facts.embeddedResource);
    if (evaluates) this.evaluate(facts.rules, self, path);
    return self;
  }

  private walk(facts: NodeFacts, value: unknown, path: PathStep | undefined): void {
    if (Array.isArray(value)) {
      const { items } = facts;
      if (!items) return;
      value.forEach((item, index) => {
        if (item !== null && item !== undefined) this.visit(items, item, path, index, false);
      });
      return;
    }
    if (!isRecord(value)) return;
    for (const [name, property] of facts.ruledProperties) {
      const field = presentField(value, name, property);
      if (field !== undefined && field !== null) this.visit(property, field, path, name, false);
    }
    const { values } = facts;
    if (!values) return;
    for (const [name, field] of Object.entries(value)) {
      if (!facts.properties.has(name) && field !== undefined && field !== null) this.visit(values, field, path, name, false);
    }
  }

  /** The value as CEL sees it, evaluating the rules below on the way. */
  private convert(facts: NodeFacts, node: SchemaNode, value: unknown, path: PathStep | undefined, exposesObjectMeta: boolean): unknown {
    if (Array.isArray(value)) {
      const { items } = facts;
      if (!items) return untypedValue(value);
      return value.map((item, index) => (item === null || item === undefined ? null : this.visit(items, item, path, index, true)));
    }
    if (!isRecord(value)) return scalarValue(node, value);
    const result: Record<string, unknown> = {};
    for (const name in value) {
      const field = value[name];
      if (field === undefined || !Object.hasOwn(value, name)) continue;
      const property = facts.properties.get(name);
      if (exposesObjectMeta && OBJECT_IDENTITY_FIELDS.has(name)) {
        // The root and embedded resources always have apiVersion, kind and metadata, declared or not.
        setField(result, name, name === "metadata" ? objectMetaValue(field) : untypedValue(field));
      } else if (property) {
        // The API server prunes nulls of non-nullable fields (and then defaults them, below).
        if (field !== null) setField(result, name, this.visit(property, field, path, name, true));
        else if (property.nullable === true) setField(result, name, null);
      } else if (facts.values) {
        setField(result, name, field === null ? null : this.visit(facts.values, field, path, name, true));
      } else if (facts.keepsUnknownFields) {
        setField(result, name, untypedValue(field));
      }
    }
    for (const [name, property] of facts.defaultedProperties) {
      if (!Object.hasOwn(result, name)) setField(result, name, this.visit(property, property.default, path, name, true));
    }
    return result;
  }

  private evaluate(rules: readonly ValidationRule[], self: unknown, at: PathStep | undefined): void {
    for (const rule of rules) {
      const compiled = compileRule(rule.rule);
      if (compiled.kind === "unsupported") {
        this.problems.push({ path: renderPath(at), message: `CEL rule cannot be compiled (${compiled.reason}): ${rule.rule}` });
        continue;
      }
      // A transition rule needs the object stored in the cluster; see checkValidationRules.
      if (compiled.transition && !rule.optionalOldSelf) continue;
      let result: unknown;
      try {
        result = compiled.evaluate(self);
      } catch (error) {
        this.problems.push({ path: renderPath(at), message: `CEL rule could not be evaluated (${summarize(error)}): ${rule.rule}` });
        continue;
      }
      if (result === true) continue;
      if (result !== false) {
        this.problems.push({ path: renderPath(at), message: `CEL rule did not evaluate to a bool: ${rule.rule}` });
        continue;
      }
      this.problems.push({
        path: renderPath(at) + renderFieldPath(rule.fieldPath),
        message: rule.message ?? `failed rule: ${rule.rule.trim()}`,
      });
    }
  }
}

/** The field as the API server sees it: null pruned unless nullable, absent filled from the default. */
function presentField(object: Record<string, unknown>, name: string, property: SchemaNode): unknown {
  const field = Object.hasOwn(object, name) ? object[name] : undefined;
  if (field === undefined || (field === null && property.nullable !== true)) return property.default;
  return field;
}

function renderPath(at: PathStep | undefined): string {
  const steps: (string | number)[] = [];
  for (let step = at; step; step = step.parent) steps.push(step.step);
  return steps
    .reverse()
    .map((step) => (typeof step === "number" ? `[${step}]` : jsonPathKey(step)))
    .join("");
}

const OBJECT_IDENTITY_FIELDS = new Set(["apiVersion", "kind", "metadata"]);

/** Assigns without ever invoking the `__proto__` setter. */
function setField(target: Record<string, unknown>, name: string, value: unknown): void {
  if (name === "__proto__") Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  else target[name] = value;
}

function objectMetaValue(metadata: unknown): unknown {
  if (!isRecord(metadata)) return untypedValue(metadata);
  const visible: Record<string, unknown> = {};
  for (const name of ["name", "generateName"]) {
    if (metadata[name] !== undefined && metadata[name] !== null) visible[name] = metadata[name];
  }
  return visible;
}

function scalarValue(node: SchemaNode, value: unknown): unknown {
  if (typeof value === "number") return node.type !== "number" && Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value !== "string" || node.type !== "string") return value;
  switch (node.format) {
    case "byte":
      return new Uint8Array(Buffer.from(value, "base64"));
    case "date":
    case "date-time": {
      const time = Date.parse(value);
      return Number.isNaN(time) ? value : new Date(time);
    }
    case "duration":
      return durationValue(value);
    default:
      return value;
  }
}

/** A JSON value (under x-kubernetes-preserve-unknown-fields) as CEL sees it: whole numbers are ints. */
function untypedValue(value: unknown): unknown {
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(untypedValue);
  if (!isRecord(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) setField(result, name, untypedValue(field));
  return result;
}

function durationValue(value: string): unknown {
  try {
    return toDuration(value);
  } catch {
    return value; // not a duration: left as a string (its pattern, if any, is checked by the schema)
  }
}

const FIELD_PATH_STEP = /\.([A-Za-z_$][\w$-]*)|\[\s*'((?:[^'\\]|\\.)*)'\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\]|\[(\d+)\]/y;

/** A rule's fieldPath (".spec.ports", ".labels['app.kubernetes.io/name']") in the notation of problem paths. */
function renderFieldPath(fieldPath: string | undefined): string {
  if (fieldPath === undefined) return "";
  let rendered = "";
  FIELD_PATH_STEP.lastIndex = 0;
  while (FIELD_PATH_STEP.lastIndex < fieldPath.length) {
    const match = FIELD_PATH_STEP.exec(fieldPath);
    if (!match) return fieldPath.startsWith(".") || fieldPath.startsWith("[") ? fieldPath : `.${fieldPath}`;
    const [, name, singleQuoted, doubleQuoted, index] = match;
    if (index !== undefined) rendered += `[${index}]`;
    else rendered += jsonPathKey((name ?? singleQuoted ?? doubleQuoted ?? "").replace(/\\(.)/g, "$1"));
  }
  return rendered;
}
