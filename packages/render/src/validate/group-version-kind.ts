import { isRecord } from "./records.js";

export interface GroupVersionKind {
  /** "group/version", or just "version" for the core group. */
  apiVersion: string;
  kind: string;
}

export function gvkKey({ apiVersion, kind }: GroupVersionKind): string {
  return `${apiVersion} ${kind}`;
}

export function apiVersionOf(group: string, version: string): string {
  return group === "" ? version : `${group}/${version}`;
}

/** Returns undefined when the object has no string apiVersion and kind. */
export function readGroupVersionKind(object: unknown): GroupVersionKind | undefined {
  if (!isRecord(object)) return undefined;
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== "string" || typeof kind !== "string" || apiVersion === "" || kind === "") return undefined;
  return { apiVersion, kind };
}
