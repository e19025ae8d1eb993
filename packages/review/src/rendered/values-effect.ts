import { isDeepStrictEqual } from "node:util";
import { isRecord } from "./pod-templates.js";

/** What one value flotilla sets does to the release. */
export interface ValueEffect {
  /** Dotted path in the HelmRelease's `spec.values`, e.g. `flyteadmin.serviceAccount.create`. */
  path: string[];
  /** `changes-output`: rendering without it renders something else; `chart-default`: no change, and it is the chart's own default; `no-effect`: neither. */
  effect: "changes-output" | "chart-default" | "no-effect";
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
 * nothing is fine only when it equals the chart's default at that path.
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
      effects[index] = { path, effect: output !== baseline ? "changes-output" : isDeepStrictEqual(valueAt(input.defaults, path), value) ? "chart-default" : "no-effect" };
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

function valueAt(values: unknown, path: string[]): unknown {
  let node = values;
  for (const key of path) node = isRecord(node) ? node[key] : undefined;
  return node;
}
