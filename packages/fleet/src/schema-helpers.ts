import * as z from "zod";
import { describeValue } from "./describe-value.js";

/** A pure check of a string: a problem message, or `undefined` when the value is valid. */
export type StringCheck = (value: string) => string | undefined;

/**
 * Error map for a schema of type `expected` ("a string", "an object", "a list"): a missing value
 * reads "required: <what>", a wrong type "expected <expected>, got <value>".
 */
export function typeError(what: string, expected: string): (issue: z.core.$ZodRawIssue) => string | undefined {
  return (issue) => {
    if (issue.code !== "invalid_type") return undefined;
    return issue.input === undefined ? `required: ${what}` : `expected ${expected}, got ${describeValue(issue.input)}`;
  };
}

/** A string validated by `check`; `what` describes the field for "required: ..." messages. */
export function checkedString(what: string, check: StringCheck) {
  return z.string({ error: typeError(what, "a string") }).superRefine((value, ctx) => {
    const message = check(value);
    if (message !== undefined) ctx.addIssue({ code: "custom", message, input: value });
  });
}

/** A strict object (unknown keys are errors, reported per key by `issuesToProblems`). */
export function strictObject<Shape extends z.core.$ZodLooseShape>(what: string, shape: Shape) {
  return z.strictObject(shape, { error: typeError(what, "an object") });
}

/** A list of `element`s. */
export function list<Element extends z.core.SomeType>(what: string, element: Element) {
  return z.array(element, { error: typeError(what, "a list") });
}

/** One of the given string literals. */
export function oneOf<const Values extends readonly [string, ...string[]]>(what: string, values: Values) {
  const expected = values.map((value) => JSON.stringify(value)).join(" or ");
  return z.enum(values, {
    error: (issue) => {
      if (issue.input === undefined) return `required: ${what}`;
      return `expected ${expected}, got ${describeValue(issue.input)}`;
    },
  });
}

/**
 * An extension point that accepts only an empty list for now: each entry is reported with
 * `message` (e.g. "node pools are not supported yet").
 */
export function unsupportedList(what: string, message: string) {
  return list(what, z.never({ error: () => message }));
}

/** Runs a refinement even when parsing the value already produced issues elsewhere. */
export const ALWAYS = { when: () => true } as const;
