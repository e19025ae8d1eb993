import { spawnSync } from "node:child_process";

export interface Measurement {
  /** Median wall time in milliseconds. */
  wallMs: number;
  /** Largest peak resident memory over the runs, in MiB. */
  peakMiB: number;
}

/**
 * Runs a Node process `runs` times and reports its median wall time and peak memory; an exit code
 * outside `okCodes` (default 0) fails the bench. `before` runs ahead of each run (not timed); `env`
 * replaces the environment.
 */
export function measureNode(args: string[], preload: string, runs: number, options: { okCodes?: number[]; before?: () => void; env?: NodeJS.ProcessEnv } = {}): Measurement {
  const times: number[] = [];
  let peakKb = 0;
  for (let run = 0; run < runs; run++) {
    options.before?.();
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ["--import", preload, ...args], { encoding: "utf8", ...(options.env ? { env: options.env } : {}) });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (!(options.okCodes ?? [0]).includes(result.status ?? -1)) throw new Error(`node ${args.join(" ")} failed (${result.status}):\n${result.stderr}`);
    const reported = /flotilla-bench-max-rss-kb=(\d+)/.exec(result.stderr);
    if (!reported?.[1]) throw new Error(`node ${args.join(" ")} did not report its memory`);
    peakKb = Math.max(peakKb, Number(reported[1]));
  }
  times.sort((a, b) => a - b);
  return { wallMs: times[Math.floor(times.length / 2)] ?? 0, peakMiB: peakKb / 1024 };
}
