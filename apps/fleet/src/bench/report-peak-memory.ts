// Preloaded with `node --import` by the benchmark: reports the process's peak memory on exit.
process.on("exit", () => {
  process.stderr.write(`\nflotilla-bench-max-rss-kb=${process.resourceUsage().maxRSS}\n`);
});
