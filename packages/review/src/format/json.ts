import type { DiffReport } from "../diff/types.js";

/** The report as JSON (two-space indent, final newline): everything, no size limit. */
export function formatJson(report: DiffReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
