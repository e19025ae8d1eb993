import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { isRecord } from "./pod-templates.js";

/** What one value flotilla sets does to the release. */
export interface ValueEffect {
  /** Dotted path in the HelmRelease's `spec.values`, e.g. `flyteadmin.serviceAccount.create`. */
  path: string[];
  /**
   * `changes-output`: rendering without it renders something else; `chart-default`: no change, and
   * it is the default in the chart's values; `computed-default`: no change, but the chart reads it
   * (another value there changes the output): it equals what the templates fall back to when it is
   * unset (`.Chart.AppVersion` for an image tag, a name derived from the release); `no-effect`:
   * none of these, the chart ignores it.
   */
  effect: "changes-output" | "chart-default" | "computed-default" | "no-effect";
}

export interface ValuesEffectInput {
  /** The release's `spec.values`. */
  values: Record<string, unknown>;
  /** The chart's default values (its values.yaml, subcharts' under their names). */
  defaults: Record<string, unknown>;
  /** Renders the release with these values instead of `spec.values` (everything else as is) and returns a canonical text of the output. */
  render: (values: Record<string, unknown>) => Promise<string>;
  /** Renders at once; default 2. */
  concurrency?: number;
}

/**
 * For every leaf of the values (a scalar, a list, an empty map or null: Helm replaces lists and
 * merges maps), whether rendering the release without it changes the output. A leaf that changes
 * nothing is fine only when it equals the chart's default at that path: the literal one of its
 * values, or the one its templates compute (then the release renders otherwise with another value
 * there: one more render, only for such leaves).
 */
export async function valuesEffect(input: ValuesEffectInput): Promise<ValueEffect[]> {
  const baseline = await input.render(input.values);
  const leaves = leavesOf(input.values, []);
  const effects: ValueEffect[] = new Array(leaves.length);
  let next = 0;
  const worker = async () => {
    while (next < leaves.length) {
      const index = next++;
      const { path, value } = leaves[index]!;
      const output = await input.render(without(input.values, path));
      let effect: ValueEffect["effect"] = output !== baseline ? "changes-output" : isDeepStrictEqual(valueAt(input.defaults, path), value) ? "chart-default" : "no-effect";
      if (effect === "no-effect" && (await input.render(replaced(input.values, path, probeFor(value)))) !== baseline) effect = "computed-default";
      effects[index] = { path, effect };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, input.concurrency ?? 2) }, worker));
  return effects;
}

function leavesOf(value: Record<string, unknown>, path: string[]): { path: string[]; value: unknown }[] {
  return Object.entries(value).flatMap(([key, child]) =>
    isRecord(child) && Object.keys(child).length > 0 ? leavesOf(child, [...path, key]) : [{ path: [...path, key], value: child }],
  );
}

function without(values: Record<string, unknown>, path: string[]): Record<string, unknown> {
  const [head, ...rest] = path;
  const copy = { ...values };
  if (rest.length === 0) delete copy[head!];
  else copy[head!] = without(values[head!] as Record<string, unknown>, rest);
  return copy;
}

function replaced(values: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  return { ...values, [head!]: rest.length === 0 ? value : replaced(values[head!] as Record<string, unknown>, rest, value) };
}

/** Another value of the same type, which a chart that reads the leaf renders differently. */
function probeFor(value: unknown): unknown {
  if (typeof value === "string") return `${value}-flotilla-probe`;
  if (typeof value === "number") return value + 1;
  if (typeof value === "boolean") return !value;
  if (Array.isArray(value)) return value.length > 0 ? [] : ["flotilla-probe"];
  return "flotilla-probe";
}

function valueAt(values: unknown, path: string[]): unknown {
  let node = values;
  for (const key of path) node = isRecord(node) ? node[key] : undefined;
  return node;
}

/** This module's file: what decides an effect besides the renders (caches of effects are keyed on it). */
export function valuesEffectFile(): string {
  return fileURLToPath(import.meta.url);
}
