/**
 * The exit codes of every flotilla command: 0 ok; 1 findings (drift, invalid input or tree,
 * changes with `diff --exit-code`); 2 usage or environment errors (bad flags, unknown cluster,
 * missing tool, unreadable file, network or credentials).
 */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
