import { spawnSync } from "node:child_process";

export interface Measurement {
  /** Median wall time in milliseconds. */
  wallMs: number;
  /** Largest peak resident memory over the runs, in MiB. */
  peakMiB: number;
  /** Median CPU time (user + system) in milliseconds: of the Node process itself, and of the programs it ran and waited for (helm, kubectl; Linux only). */
  cpuMs: { node: number; children?: number };
}

/**
 * Runs a Node process `runs` times and reports its median wall time, CPU time and peak memory; an
 * exit code outside `okCodes` (default 0) fails the bench. `before` runs ahead of each run (not
 * timed); `env` replaces the environment.
 */
export function measureNode(args: string[], preload: string, runs: number, options: { okCodes?: number[]; before?: () => void; env?: NodeJS.ProcessEnv } = {}): Measurement {
  const times: number[] = [];
  const nodeCpu: number[] = [];
  const childrenCpu: number[] = [];
  let peakKb = 0;
  for (let run = 0; run < runs; run++) {
    options.before?.();
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ["--import", preload, ...args], { encoding: "utf8", ...(options.env ? { env: options.env } : {}) });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (!(options.okCodes ?? [0]).includes(result.status ?? -1)) throw new Error(`node ${args.join(" ")} failed (${result.status}):\n${result.stderr}`);
    const reported = /flotilla-bench-max-rss-kb=(\d+)/.exec(result.stderr);
    const cpu = /flotilla-bench-cpu-ms=(\d+),(\d*)/.exec(result.stderr);
    if (!reported?.[1] || !cpu?.[1]) throw new Error(`node ${args.join(" ")} did not report its memory and CPU time`);
    peakKb = Math.max(peakKb, Number(reported[1]));
    nodeCpu.push(Number(cpu[1]));
    if (cpu[2]) childrenCpu.push(Number(cpu[2]));
  }
  const children = childrenCpu.length === runs ? median(childrenCpu) : undefined;
  return { wallMs: median(times), peakMiB: peakKb / 1024, cpuMs: { node: median(nodeCpu), ...(children === undefined ? {} : { children }) } };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}
