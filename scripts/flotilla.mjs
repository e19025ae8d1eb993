#!/usr/bin/env node
// The root `pnpm <command>` aliases run the built CLI through here, so that a checkout that was
// never built (or whose build was removed) gets one line and exit 2 instead of Node's stack trace.
import { existsSync } from "node:fs";

const bundle = new URL("../apps/fleet/dist/bundle/flotilla.js", import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write("flotilla is not built in this checkout: run `pnpm build` (pnpm install does it once), then try again\n");
  process.exit(2);
}
await import(bundle.href);
