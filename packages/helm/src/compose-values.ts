import { parse } from "yaml";
import { setPathValue } from "./strvals.js";

/** A ConfigMap or Secret of the cluster, as valuesFrom reads it. */
export interface ValuesObject {
  kind: "ConfigMap" | "Secret";
  namespace: string;
  name: string;
  /** ConfigMap `data`; for a Secret the decoded `data` (`stringData` merged in), or undefined when encrypted (SOPS). */
  data: Readonly<Record<string, string>> | undefined;
}

export interface ValuesReference {
  kind?: unknown;
  name?: unknown;
  valuesKey?: unknown;
  targetPath?: unknown;
  optional?: unknown;
  literal?: unknown;
}

export interface ComposeProblem {
  /** `spec.valuesFrom[0]` */
  field: string;
  message: string;
}

/**
 * The values helm-controller passes to Helm (fluxcd/pkg chartutil.ChartValuesFromReferences): each
 * `valuesFrom` entry in order, read from the HelmRelease's namespace (`valuesKey` default
 * `values.yaml`), merged as a YAML document, or with `targetPath` set at that path (Helm's
 * `--set` syntax; `literal` as `--set-literal`); `optional` entries whose object or key is missing
 * are skipped; then `spec.values` over all of it. The chart's defaults are applied by Helm.
 */
export function composeValues(
  releaseNamespace: string,
  spec: { values?: unknown; valuesFrom?: unknown },
  find: (kind: "ConfigMap" | "Secret", namespace: string, name: string) => ValuesObject | undefined,
): { values: Record<string, unknown>; problems: ComposeProblem[] } {
  const inline = isMap(spec.values) ? spec.values : {};
  let result: Record<string, unknown> = {};
  const problems: ComposeProblem[] = [];
  const refs = Array.isArray(spec.valuesFrom) ? (spec.valuesFrom as ValuesReference[]) : [];
  refs.forEach((ref, index) => {
    const field = `spec.valuesFrom[${index}]`;
    const fail = (message: string) => problems.push({ field, message });
    if (ref.kind !== "ConfigMap" && ref.kind !== "Secret") return fail(`kind ${JSON.stringify(ref.kind)} is not supported: use ConfigMap or Secret`);
    if (typeof ref.name !== "string") return fail("needs a name");
    const key = typeof ref.valuesKey === "string" && ref.valuesKey !== "" ? ref.valuesKey : "values.yaml";
    const optional = ref.optional === true;
    const where = `${ref.kind} ${releaseNamespace}/${ref.name}`;
    const object = find(ref.kind, releaseNamespace, ref.name);
    if (!object) {
      if (!optional) fail(`${where} does not exist in the cluster: render it (in the HelmRelease's namespace ${releaseNamespace}) or set optional: true`);
      return;
    }
    if (object.data === undefined) {
      return fail(`${where} is SOPS-encrypted, so flotilla cannot read its values to render the release: move non-secret values to a ConfigMap and reference secret values from the chart (existingSecret-style values)`);
    }
    if (!Object.hasOwn(object.data, key)) {
      if (!optional) fail(`${where} has no key ${JSON.stringify(key)} (it has ${Object.keys(object.data).map((k) => JSON.stringify(k)).join(", ") || "no keys"}): set valuesKey or add the key`);
      return;
    }
    const text = object.data[key]!;
    if (typeof ref.targetPath === "string" && ref.targetPath !== "") {
      result = mergeMaps(result, inline);
      const error = setPathValue(result, ref.targetPath, text, ref.literal === true);
      if (error) fail(`targetPath ${JSON.stringify(ref.targetPath)} with ${where} key ${JSON.stringify(key)}: ${error}`);
      return;
    }
    let values: unknown;
    try {
      values = parse(text, { uniqueKeys: false, version: "1.1" }) ?? {};
    } catch (error) {
      return fail(`${where} key ${JSON.stringify(key)} is not YAML: ${(error as Error).message.split("\n")[0]}`);
    }
    if (!isMap(values)) return fail(`${where} key ${JSON.stringify(key)} must hold a YAML map of values`);
    result = mergeMaps(result, values);
  });
  return { values: mergeMaps(result, inline), problems };
}

/** fluxcd/pkg chartutil.MergeMaps: b over a, maps merged recursively, anything else replaced. */
export function mergeMaps(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const existing = out[key];
    out[key] = isMap(value) && isMap(existing) ? mergeMaps(existing, value) : value;
  }
  return out;
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
