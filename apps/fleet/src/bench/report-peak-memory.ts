import { readFileSync } from "node:fs";

// Preloaded with `node --import` by the benchmark: reports the process's peak memory and CPU time on exit.
process.on("exit", () => {
  const usage = process.resourceUsage();
  process.stderr.write(`\nflotilla-bench-max-rss-kb=${usage.maxRSS}\nflotilla-bench-cpu-ms=${((usage.userCPUTime + usage.systemCPUTime) / 1000).toFixed(0)},${childrenCpuMs() ?? ""}\n`);
});

/** The CPU time of the children the process waited for (helm, kubectl), from /proc (Linux): cutime + cstime. */
function childrenCpuMs(): number | undefined {
  try {
    // The fields after the command name, which is in parentheses and may hold spaces.
    const fields = readFileSync("/proc/self/stat", "utf8").replace(/^.*\) /s, "").split(" ");
    const ticksPerSecond = 100; // USER_HZ, 100 on Linux
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}
