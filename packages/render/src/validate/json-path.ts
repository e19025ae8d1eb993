import { isRecord } from "./records.js";

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** Splits an ajv instancePath ("/spec/containers/0") into unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/**
 * Renders segments as a JSON path (".spec.containers[0].name", `.metadata.labels["app.kubernetes.io/name"]`).
 * The data is walked so that array indexes and numeric map keys are told apart.
 */
export function toJsonPath(segments: readonly string[], root: unknown): string {
  let path = "";
  let current: unknown = root;
  for (const segment of segments) {
    if (Array.isArray(current)) {
      path += `[${segment}]`;
      current = current[Number(segment)];
      continue;
    }
    path += jsonPathKey(segment);
    current = isRecord(current) && Object.hasOwn(current, segment) ? current[segment] : undefined;
  }
  return path;
}

/** A map key or field name as a JSON path step: ".name", or `["app.kubernetes.io/name"]` when it is no identifier. */
export function jsonPathKey(key: string): string {
  return PLAIN_KEY.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** The value at the given segments of the data, or undefined. */
export function valueAt(root: unknown, segments: readonly string[]): unknown {
  let current: unknown = root;
  for (const segment of segments) {
    if (Array.isArray(current)) current = current[Number(segment)];
    else if (isRecord(current) && Object.hasOwn(current, segment)) current = current[segment];
    else return undefined;
  }
  return current;
}
