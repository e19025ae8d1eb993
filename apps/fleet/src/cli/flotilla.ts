#!/usr/bin/env node
// The `flotilla` command. A `synth` whose stamp shows that nothing changed since it last ran
// answers here, before the commands and everything they load (cdk8s, esbuild, the packages):
// see up-to-date/stamp.ts.
import { startFromInvocationDirectory } from "./invocation-directory.js";
import { stampedUpToDate } from "./up-to-date-shortcut.js";

startFromInvocationDirectory();
const upToDate = stampedUpToDate(process.argv.slice(2), process.env);
if (upToDate !== undefined) process.stdout.write(`${upToDate}\n`);
else await import("./commands.js");
