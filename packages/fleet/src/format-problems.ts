import { type FleetProblem, sortProblems } from "./problems.js";

/**
 * Formats problems for a terminal: one line per problem, `<file>: <path>: <message>`
 * (`<file>: <message>` for whole-file problems), sorted by file then path, followed by a count
 * line such as `3 problems in 2 files`. Returns `"no problems"` for an empty list.
 */
export function formatFleetProblems(problems: FleetProblem[]): string {
  if (problems.length === 0) return "no problems";
  const sorted = sortProblems(problems);
  const lines = sorted.map((problem) =>
    problem.path === "" ? `${problem.file}: ${problem.message}` : `${problem.file}: ${problem.path}: ${problem.message}`,
  );
  const files = new Set(sorted.map((problem) => problem.file)).size;
  lines.push(`${plural(sorted.length, "problem")} in ${plural(files, "file")}`);
  return lines.join("\n");
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
