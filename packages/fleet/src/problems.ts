import type * as z from "zod";
import type { CommandHints } from "./command-hints.js";
import { truncate } from "./describe-value.js";
import { allFields, fieldsAt } from "./field-catalog.js";
import { knownFieldMistake } from "./field-mistakes.js";
import { closest } from "./suggest.js";

/** One problem found while loading the fleet. */
export interface FleetProblem {
  /** The cluster file the problem is in, as given in {@link ClusterModule.file}. */
  file: string;
  /** Location in the spec, like `"azure.oidcIssuerUrl"` or `"namespaces[1].name"`; `""` for the whole file. */
  path: string;
  /** What is expected and what was given, on one line. */
  message: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Formats an issue path: `namespaces[1].labels["example.com/team"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const raw of path) {
    const segment = typeof raw === "string" ? truncate(raw) : raw;
    if (typeof segment === "number") out += `[${segment}]`;
    else if (typeof segment === "string" && IDENTIFIER.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

function unknownFieldMessage(schema: unknown, parent: readonly PropertyKey[], key: string, commands: Pick<CommandHints, "secretSet"> | undefined): string {
  const here = parent.map((segment) => (typeof segment === "number" ? "[]" : String(segment))).join(".").replace(/\.\[\]/g, "[]");
  const mistake = knownFieldMistake(here, key, commands);
  if (mistake !== undefined) return `unknown field: ${mistake}`;
  const siblings = fieldsAt(schema, parent) ?? [];
  const near = closest(key, siblings);
  if (near !== undefined) return `unknown field; did you mean \`${near}\`?`;
  const elsewhere = allFields(schema).find(
    (field) => field.parent !== here && !field.parent.includes("[]") && field.key.toLowerCase() === key.toLowerCase(),
  );
  if (elsewhere !== undefined) {
    const full = elsewhere.parent === "" ? elsewhere.key : `${elsewhere.parent}.${elsewhere.key}`;
    return `unknown field here; did you mean \`${full}\`?`;
  }
  const known = siblings.map((sibling) => `\`${sibling}\``).join(", ");
  return siblings.length === 0 ? "unknown field" : `unknown field; expected one of: ${known}`;
}

/**
 * Turns zod issues from parsing `schema` into problems of `file`: one problem per unknown key
 * (with a suggestion), record-key issues reduced to their own message, paths formatted. Commands
 * the suggestions name are spelled as in `commands` (default their flotilla names).
 */
export function issuesToProblems(file: string, issues: readonly z.core.$ZodIssue[], schema: unknown, commands?: Pick<CommandHints, "secretSet">): FleetProblem[] {
  const problems: FleetProblem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        problems.push({
          file,
          path: formatPath([...issue.path, key]),
          message: unknownFieldMessage(schema, issue.path, key, commands),
        });
      }
    } else if (issue.code === "invalid_key") {
      const nested = issue.issues.map((inner) => inner.message);
      problems.push({ file, path: formatPath(issue.path), message: nested.join("; ") || issue.message });
    } else {
      problems.push({ file, path: formatPath(issue.path), message: issue.message });
    }
  }
  return problems;
}

/** Compares text with runs of digits compared as numbers, so `[2]` sorts before `[10]`. */
function compareNatural(a: string, b: string): number {
  const left = a.split(/(\d+)/);
  const right = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i] ?? "";
    const y = right[i] ?? "";
    if (x === y) continue;
    if (i % 2 === 1) return Number(x) - Number(y) || (x < y ? -1 : 1);
    return x < y ? -1 : 1;
  }
  return left.length - right.length;
}

/** Orders problems by file, then path (numbers numerically), then message. */
export function compareProblems(a: FleetProblem, b: FleetProblem): number {
  return compareNatural(a.file, b.file) || compareNatural(a.path, b.path) || compareNatural(a.message, b.message);
}

/** A sorted copy of `problems` without exact duplicates. */
export function sortProblems(problems: readonly FleetProblem[]): FleetProblem[] {
  const sorted = [...problems].sort(compareProblems);
  return sorted.filter(
    (problem, index) =>
      index === 0 || compareProblems(problem, sorted[index - 1] as FleetProblem) !== 0,
  );
}
