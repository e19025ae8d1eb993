#!/usr/bin/env node
// Writes values.json beside every vendored chart values.yaml (packages/*/charts/**/values.yaml).
// Synth checks HelmRelease values against them on every run and parsing the YAML costs ~200 ms;
// the YAML stays the vendored source of truth and a test keeps the two equal.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

function* valuesFiles(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* valuesFiles(path);
    else if (entry === "values.yaml") yield path;
  }
}

for (const pkg of readdirSync("packages")) {
  const charts = join("packages", pkg, "charts");
  try {
    statSync(charts);
  } catch {
    continue;
  }
  for (const file of valuesFiles(charts)) {
    const json = file.replace(/values\.yaml$/, "values.json");
    writeFileSync(json, `${JSON.stringify(parse(readFileSync(file, "utf8")))}\n`);
    console.log(json);
  }
}
