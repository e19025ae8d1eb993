import * as z from "zod";

// `import "@flotilla/fleet/jitless"` first in an entry point that loads cluster specs: each spec is
// parsed once, and zod's JIT-compiled parsers cost more to build than they save. zod reads the
// setting when a schema is constructed, so it must run before any module that builds the schemas,
// on the zod this package uses.
// FLOTILLA_BENCH_WITHOUT=jitless keeps the JIT, for `pnpm bench` to show the difference.
if (!(process.env.FLOTILLA_BENCH_WITHOUT ?? "").split(",").includes("jitless")) z.config({ jitless: true });
