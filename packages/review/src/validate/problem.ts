import { describeObject, type KubeObject } from "@flotilla/render";
import type { Manifest } from "../manifests/manifest.js";
import type { CheckName, ValidationProblem } from "./types.js";

/** A problem about one object of the tree. */
export function objectProblem(check: CheckName, manifest: Manifest, path: string, message: string): ValidationProblem {
  return { check, file: manifest.file, object: describeObject(manifest.object as KubeObject), path, message };
}

/** `<prefix>/<file>: object: path: message [check]`, with empty parts left out; `prefix` is how the tree root is shown (`clusters`). */
export function formatProblem(problem: ValidationProblem, prefix: string): string {
  const file = prefix === "" || problem.file === "" ? problem.file : `${prefix}/${problem.file}`;
  return `${[file, problem.object, problem.path, problem.message].filter(Boolean).join(": ")} [${problem.check}]`;
}
