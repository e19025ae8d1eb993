import { createRequire } from "node:module";
import type * as CelJs from "@marcbachmann/cel-js";

/** A CEL rule as @marcbachmann/cel-js compiled it, or why it could not. */
export type CompiledRule =
  | {
      kind: "compiled";
      /** The rule references `oldSelf` (a transition rule). */
      transition: boolean;
      /** Runs the rule; `oldSelf` is an empty optional (only meaningful for `optionalOldSelf` rules). Throws on runtime errors. */
      evaluate(self: unknown): unknown;
    }
  | { kind: "unsupported"; reason: string };

/**
 * The library is loaded on first use: importing it builds its function registry, which costs a few
 * tens of milliseconds that a process validating no object with CEL rules should not pay.
 * require() of an ES module (Node >= 20.19) keeps validate() synchronous.
 */
let library: typeof CelJs | undefined;
let environment: CelJs.Environment | undefined;
/** Compiled rules by rule text, for the life of the process: the same rule text always compiles the same way. */
const compiledRules = new Map<string, CompiledRule>();

function celLibrary(): typeof CelJs {
  library ??= createRequire(import.meta.url)("@marcbachmann/cel-js") as typeof CelJs;
  return library;
}

/**
 * The environment of CRD validation rules: `self` (and `oldSelf`, for transition rules) are dynamic
 * values (in the API server they are typed by the schema). Besides the standard CEL functions and
 * macros of the library (including the strings extension's split, lowerAscii, indexOf, ...), the
 * Kubernetes regex library (`find`, `findAll`) is added, which vendored CRD rules use. A rule that
 * calls a function the environment lacks (Kubernetes' quantity(), url(), ip(), isSorted(), ...)
 * fails to compile and is reported as a problem, never skipped: add the function here when needed.
 */
function celEnvironment(): CelJs.Environment {
  if (environment) return environment;
  const cel = celLibrary();
  environment = new cel.Environment({
    // Like the API server since Kubernetes 1.28 (optional types) and with its homogeneous aggregate literals.
    enableOptionalTypes: true,
    homogeneousAggregateLiterals: true,
  })
    .registerVariable("self", "dyn")
    .registerVariable("oldSelf", "dyn")
    // k8s.io/apiserver/pkg/cel/library/regex.go
    .registerFunction("string.find(string): string", (text: string, pattern: string) => goRegExp(pattern).exec(text)?.[0] ?? "")
    .registerFunction("string.findAll(string): list<string>", (text: string, pattern: string) => findAll(text, pattern, -1n))
    .registerFunction("string.findAll(string, int): list<string>", findAll);
  return environment;
}

/** Compiles a rule on first use (parse and type check against `self: dyn`) and caches it. */
export function compileRule(rule: string): CompiledRule {
  let compiled = compiledRules.get(rule);
  if (!compiled) {
    compiled = compile(rule);
    compiledRules.set(rule, compiled);
  }
  return compiled;
}

function compile(rule: string): CompiledRule {
  const cel = celEnvironment();
  let parsed: CelJs.ParseResult;
  try {
    parsed = cel.parse(rule);
  } catch (error) {
    return { kind: "unsupported", reason: summarize(error) };
  }
  const checked = parsed.check();
  if (!checked.valid) return { kind: "unsupported", reason: summarize(checked.error) };
  if (checked.type !== "bool" && checked.type !== "dyn") {
    return { kind: "unsupported", reason: `the rule evaluates to ${String(checked.type)}, not bool` };
  }
  const transition = referencesIdentifier(parsed.ast, "oldSelf");
  const none = transition ? celLibrary().Optional.none() : undefined;
  return { kind: "compiled", transition, evaluate: (self) => parsed(transition ? { self, oldSelf: none } : { self }) };
}

let durationOf: CelJs.ParseResult | undefined;

/** A Go duration string ("1h30m") as a CEL duration; throws when it is none. */
export function toDuration(value: string): unknown {
  durationOf ??= celEnvironment().parse("duration(self)");
  return durationOf({ self: value });
}

/** The first line of a cel-js error ("No such key: x"), without the source excerpt. */
export function summarize(error: unknown): string {
  if (error instanceof Error) {
    const summary = (error as { summary?: unknown }).summary;
    return typeof summary === "string" && summary !== "" ? summary : (error.message.split("\n")[0] ?? error.name);
  }
  return String(error);
}

function referencesIdentifier(node: unknown, name: string): boolean {
  if (Array.isArray(node)) return node.some((child) => referencesIdentifier(child, name));
  if (typeof node !== "object" || node === null || !("op" in node) || !("args" in node)) return false;
  if (node.op === "id") return node.args === name;
  return node.op !== "value" && referencesIdentifier(node.args, name);
}

const CASE_INSENSITIVE_PREFIX = "(?i)";
const regExps = new Map<string, RegExp>();

/** Compiles an RE2 pattern as far as JavaScript understands it (a leading `(?i)` becomes the `i` flag). */
function goRegExp(pattern: string, global = false): RegExp {
  const key = `${global ? "g" : "-"}${pattern}`;
  let compiled = regExps.get(key);
  if (!compiled) {
    const caseInsensitive = pattern.startsWith(CASE_INSENSITIVE_PREFIX);
    const source = caseInsensitive ? pattern.slice(CASE_INSENSITIVE_PREFIX.length) : pattern;
    const flags = `${caseInsensitive ? "i" : ""}${global ? "g" : ""}`;
    try {
      compiled = new RegExp(source, `u${flags}`);
    } catch {
      compiled = new RegExp(source, flags); // RE2 accepts escapes such as \: that unicode mode rejects
    }
    regExps.set(key, compiled);
  }
  compiled.lastIndex = 0;
  return compiled;
}

function findAll(text: string, pattern: string, limit: bigint): string[] {
  if (limit === 0n) return [];
  const matches = [...text.matchAll(goRegExp(pattern, true))].map((match) => match[0]);
  return limit < 0n ? matches : matches.slice(0, Number(limit));
}
