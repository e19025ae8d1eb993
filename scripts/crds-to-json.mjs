#!/usr/bin/env node
// Writes <dir>/crds.json: every CRD of <dir>/*.yaml as one JSON array, sorted by file name.
// Synth reads the JSON because parsing the CRD YAML costs hundreds of milliseconds per run;
// the YAML stays the vendored source of truth and a test keeps the two equal.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node scripts/crds-to-json.mjs <directory of CRD .yaml files>");
  process.exit(2);
}
const crds = readdirSync(dir)
  .filter((name) => name.endsWith(".yaml"))
  .sort()
  .flatMap((name) => parseAllDocuments(readFileSync(join(dir, name), "utf8")).map((doc) => doc.toJS()))
  .filter((doc) => doc?.kind === "CustomResourceDefinition");
writeFileSync(join(dir, "crds.json"), `${JSON.stringify(crds)}\n`);
console.log(`${join(dir, "crds.json")}: ${crds.length} CRDs`);
