import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources of the workspace packages, not their built dist/.
    // A subpath export `@flotilla/<pkg>/<sub>` is the directory `src/<sub>/` (e.g. @flotilla/karpenter/model).
    alias: [
      { find: /^@flotilla\/([a-z0-9-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
      { find: /^@flotilla\/([a-z0-9-]+)\/([a-z0-9-]+)$/, replacement: `${root}packages/$1/src/$2/index.ts` },
    ],
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "apps/*/test/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    globalSetup: ["./test/support/run-temp-dir.ts"],
    reporters: ["default", "./test/support/summary-reporter.ts"],
  },
});
