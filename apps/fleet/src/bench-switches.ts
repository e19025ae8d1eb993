import { readFileSync } from "node:fs";
import { fluxCrdFiles, fluxCrdsJsonFile } from "@flotilla/flux";
import { karpenterCrdFiles, karpenterCrdsJsonFile } from "@flotilla/karpenter";
import { parse } from "yaml";

/**
 * `FLOTILLA_BENCH_WITHOUT=<name>,…` turns speed machinery off, so that `pnpm bench` can show what
 * each piece gains on the user's loop (bench/machinery.ts): `precompiled` (validator units
 * compiled at build time), `json-copies` (crds.json instead of the vendored CRD YAML),
 * `release-gate-cache` (review/release-gate-cache.ts), `tree-cache` (validate's parses and schema
 * validity of the tree's files) and, read where it acts, `stamp` (cli/up-to-date-shortcut.ts).
 * The output is the same either way.
 */
export function benchWithout(machinery: "precompiled" | "json-copies" | "release-gate-cache" | "tree-cache"): boolean {
  return (process.env.FLOTILLA_BENCH_WITHOUT ?? "").split(",").includes(machinery);
}

/** The vendored CRDs of one set: its JSON copy, or (without json-copies) its YAML files parsed. */
export function readVendoredCrdSet(set: "flux" | "karpenter"): unknown[] {
  if (benchWithout("json-copies")) {
    return (set === "flux" ? fluxCrdFiles() : karpenterCrdFiles()).map((file) => parse(readFileSync(file, "utf8")) as unknown);
  }
  return JSON.parse(readFileSync(set === "flux" ? fluxCrdsJsonFile() : karpenterCrdsJsonFile(), "utf8")) as unknown[];
}
